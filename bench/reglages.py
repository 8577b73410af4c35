"""Les réglages de gunicorn pendant les mesures : ceux de la production (config.settings), avec les adresses des
références nues en plus (bench.urls). L'application servie n'en est pas modifiée."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
