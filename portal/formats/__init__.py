"""The portal's own date formats (``FORMAT_MODULE_PATH``), over Django's per-language ones."""
