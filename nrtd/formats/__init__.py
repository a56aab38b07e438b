"""Date, time and number formats where Django's own are missing or not the language's
(settings.FORMAT_MODULE_PATH; Django's formats fill in the rest)."""
