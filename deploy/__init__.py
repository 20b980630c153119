"""Running the site beyond one process: gunicorn, nginx, the local cluster."""
