"""Front ends of the assistant: the gateway to Rasa, the web chat and the Telegram bot."""
