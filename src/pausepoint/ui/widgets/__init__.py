"""The dashboard's widgets (Qt)."""
