"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""
from procure import create_app

app = create_app()
