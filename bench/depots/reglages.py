"""Les réglages de gunicorn pendant la mesure : ceux de la production (config.settings), avec une URL de plus, la
référence (bench.depots.reference). L'application servie n'est pas modifiée pour autant."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.depots.reference"
