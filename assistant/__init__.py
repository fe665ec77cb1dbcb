"""Core of the werk-en-inkomen assistant: settings, municipality data, storage and appointments.

Shared by the Rasa action server (``actions``) and the front ends (``bot``).
"""
