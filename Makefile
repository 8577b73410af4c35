# Pilotage PRAPS — les commandes du projet. `make help` les liste.
PYTHON ?= python3.11
VENV := .venv
UV := .tools/bin/uv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.DEFAULT_GOAL := help
.PHONY: help install demo run test quality fix lock pdf chromium services

help: ## Liste les commandes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

$(VENV)/.installe: requirements.lock | $(UV)
	test -x $(PY) || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(PY) --require-hashes requirements.lock
	touch $@

install: $(VENV)/.installe ## Crée l'environnement virtuel et installe les dépendances verrouillées

lock: | $(UV) ## Recalcule requirements.lock depuis pyproject.toml
	$(UV) pip compile pyproject.toml --group dev --python-version 3.11 --generate-hashes --quiet -o requirements.lock

demo: export DEBUG ?= 1
demo: install pdf ## Prépare la base de démonstration et sert l'application sur http://127.0.0.1:8000
	$(MANAGE) migrate --no-input
	$(MANAGE) charger_demo
	$(MANAGE) runserver 127.0.0.1:8000

pdf: ## Installe les bibliothèques de WeasyPrint (Debian) : accusés et rapports PDF
	@ldconfig -p | grep -q libharfbuzz-subset && ldconfig -p | grep -q libpangoft2 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core) || \
	  echo "Bibliothèques de WeasyPrint non installées (droits root requis) : les PDF ne pourront pas être produits."

chromium: pdf ## Installe Chromium et poppler-utils (Debian) pour les tests de navigateur et de PDF
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils) || \
	  echo "Chromium non installé (droits root requis) : les tests de navigateur seront sautés, sauf en CI où ils échouent."

quality: install ## ruff (format et lint) et migrations à jour
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings_test $(MANAGE) makemigrations --check --dry-run

fix: install ## Corrige le format et ce que ruff sait corriger
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# La suite se répartit sur les cœurs (pytest-xdist) : chaque processus a sa base de test et sa base Redis
# (config/settings_test.py). PROCESSUS_DE_TEST=0 la lance dans un seul processus.
PROCESSUS_DE_TEST ?= auto
test: install chromium quality ## Lance ruff puis toute la suite de tests
	$(VENV)/bin/pytest -n $(PROCESSUS_DE_TEST) $(PYTEST_ARGS)

.PHONY: bench-finess
# Base jetable créée et détruite par la mesure elle-même (bench/finess, voir son --help) : la base du développeur
# n'est pas touchée.
bench-finess: export DEBUG ?= 1
bench-finess: install ## Mesure l'import FINESS de 100 000 lignes
	$(PY) -m bench.finess $(BENCH_ARGS)

.PHONY: load-depot
# Base jetable « <nom>_charge_depots », gunicorn et un worker Celery sur 127.0.0.1, créés et détruits par la mesure (bench/depots,
# voir son --help).
load-depot: export DEBUG ?= 1
load-depot: export DJANGO_SETTINGS_MODULE ?= config.settings
load-depot: install ## Charge simulée au moment de la date limite (PostgreSQL et Redis requis)
	$(PY) -m bench.depots $(BENCH_ARGS)

.PHONY: bench
# Base jetable « <nom>_bench_indicateurs » créée, remplie par COPY puis détruite par la mesure (bench/indicateurs,
# voir son --help).
bench: export DEBUG ?= 1
bench: export DJANGO_SETTINGS_MODULE ?= config.settings
bench: install ## Mesure l'agrégation, le tableau de bord, l'API et le rapport PDF à l'échelle nationale (PostgreSQL requis)
	$(PY) -m bench.indicateurs $(BENCH_ARGS)
