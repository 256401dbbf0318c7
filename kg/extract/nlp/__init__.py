"""The spaCy pipeline that finds policy references (configuration in config.cfg)."""
