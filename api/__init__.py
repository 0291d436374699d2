"""The ways in: the ``smart-audit`` command line and the HTTP API (``api.app.create_app``) with its storage and
access control."""
