"""Thin glue scripts run by the Makefile and the workflows (not part of the wheel)."""
