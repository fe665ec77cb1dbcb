"""Personal data kept out of the assistant: found and replaced at the gateway's door
(``detectors``), and log lines without people (``logs``)."""
