"""Le contrat de l'API : schemathesis parcourt tout /api/schema/ contre le serveur de test, comme le ferait un
client tiers, en planificateur (jeton), en opérateur (jeton) et sans compte.

Toutes les vérifications de schemathesis, toutes ses phases (exemples, couverture, génération, enchaînements),
une graine fixe et un nombre d'exemples borné : le test dit quelles opérations trahissent leur schéma et comment.
Un point d'accès ajouté au routeur est parcouru sans rien écrire ici.
"""

import datetime
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from appels.models import Avis, Candidature, Decision, DemandeComplement, Depot, NatureDecision, StatutCandidature
from dispositifs.models import TypeDispositif
from indicateurs.models import Declaration, Indicateur, StatutDeclaration, Valeur
from tests.appels.factories import AppelFactory, CritereFactory
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory
from tests.indicateurs.factories import AgregatFactory, RapportFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import TerritoireFactory

GRAINE = 20261205
EXEMPLES_PAR_OPERATION = 10
SCHEMATHESIS = Path(sys.executable).with_name("st")
REGLAGES = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def donnees(planificateur, instructeur, operateur, operateur_autre):
    """Un peu de tout ce que l'API expose, dans la région du planificateur, pour que chaque liste et chaque
    détail aient quelque chose à rendre."""
    region = planificateur.region
    nord = TerritoireFactory(code="59", nom="Nord", parent=region)
    TerritoireFactory(code="32-hainaut", nom="Hainaut", parent=nord, territoire_sante=True)
    lhss = TypeDispositif.objects.get(code="LHSS")
    horizon = HorizonFactory()
    CibleFactory(type=lhss, territoire=nord, horizon=horizon)
    organisme = operateur.organismes.get()
    dispositif = DispositifFactory(type=lhss, organisme=organisme, territoire=nord, finess="990000001")
    EvenementCapaciteFactory(dispositif=dispositif)
    DispositifFactory(projet=True, type=lhss, organisme=organisme, territoire=nord, horizon=horizon)
    mois = datetime.date(2026, 9, 1)
    declaration = Declaration.objects.create(dispositif=dispositif, mois=mois, statut=StatutDeclaration.VALIDEE)
    Valeur.objects.create(declaration=declaration, indicateur=Indicateur.objects.get(code="file_active"), valeur=20)
    Declaration.objects.create(
        dispositif=dispositif, mois=datetime.date(2026, 8, 1), statut=StatutDeclaration.TRANSMISE
    )
    AgregatFactory(type=lhss, territoire=nord, periode=mois)
    RapportFactory(territoire=region, mois=mois)
    RapportFactory(territoire=region, mois=mois, public=True)

    appel = AppelFactory(reference="aap-contrat", horizon=horizon, types_cibles=[lhss], enveloppe=Decimal(100_000))
    critere = CritereFactory(appel=appel, poids=100)
    AppelFactory(reference="ami-suivant", appel_precedent=appel)
    appel.cloture = timezone.now() - datetime.timedelta(minutes=1)
    appel.save()
    for numero, membre in enumerate((operateur, operateur_autre), start=1):
        candidature = Candidature.objects.create(
            appel=appel, organisme=membre.organismes.get(), statut=StatutCandidature.EN_INSTRUCTION
        )
        Depot.objects.create(  # sans accusé PDF : l'API n'en montre que le numéro et l'empreinte
            candidature=candidature,
            version=1,
            numero=f"AAP-2026-001-{numero:05d}",
            depose_le=appel.ouverture,
            depose_par=membre,
            contenu={"lettre": {"experience": "Exemple"}, "pieces": []},
            empreinte="0" * 64,
            cle_idempotence=f"contrat-{numero}",
        )
    for candidature in appel.candidatures.all():
        Avis.objects.create(
            candidature=candidature,
            evaluateur=instructeur,
            notes={str(critere.pk): 8},
            total=80,
            complet=True,
            commentaire="Projet solide.",
            annotation_privee="Note pour moi seul.",
        )
        DemandeComplement.objects.create(candidature=candidature, demandee_par=instructeur, message="Budget ?")
    Decision.objects.create(
        candidature=candidature,
        nature=NatureDecision.NON_RETENUE,
        motif="Hors enveloppe.",
        decide_par=planificateur,
        decide_le=timezone.now(),
    )


def lancer_schemathesis(url: str, entetes: list[str], rapport: Path) -> tuple[dict, str]:
    """Lance `st run` sur tout le schéma ; rend son rapport JSON et sa sortie (le détail de chaque échec)."""
    commande = [
        str(SCHEMATHESIS),
        "--no-color",
        f"--config-file={REGLAGES}",
        "run",
        f"{url}/api/schema/",
        f"--seed={GRAINE}",
        f"--max-examples={EXEMPLES_PAR_OPERATION}",
        "--generation-database=none",
        "--workers=1",  # le serveur de test partage la connexion SQLite du test : une demande à la fois
        "--report=json",
        f"--report-json-path={rapport}",
        # Le serveur de test (wsgiref) envoie en-têtes et corps en deux paquets : sur une connexion gardée ouverte,
        # chaque réponse attend l'accusé de réception retardé de TCP (40 ms). Fermer après chaque réponse divise
        # la durée du test par six, sans rien changer à ce qui est vérifié.
        "--header=Connection: close",
        *[f"--header={entete}" for entete in entetes],
    ]
    resultat = subprocess.run(commande, capture_output=True, text=True, timeout=300)
    assert rapport.exists(), resultat.stdout + resultat.stderr
    return json.loads(rapport.read_text()), resultat.stdout


def echecs(rapport: dict) -> dict[str, int]:
    """{« code titre » : nombre d'échecs distincts}, et les erreurs de schemathesis lui-même (schéma illisible…)."""
    compte = {f"{echec['code']} {echec['title']}": echec["count"] for echec in rapport["failures"]}
    if rapport["errors"]:
        compte["erreurs de schemathesis"] = len(rapport["errors"])
    return compte


# Une identité par test : les trois se répartissent sur les processus de la suite (une minute chacune).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("identite", [None, "planificateur", "operateur"], ids=lambda i: i or "anonyme")
def test_schemathesis_ne_trouve_aucun_ecart_au_schema(live_server, donnees, identite, request, tmp_path):
    entetes = []
    if identite:
        utilisateur = request.getfixturevalue(identite)
        entetes = [f"Authorization: Token {Token.objects.create(user=utilisateur).key}"]

    rapport, sortie = lancer_schemathesis(live_server.url, entetes, tmp_path / "rapport.json")

    # Tout le schéma a été parcouru jusqu'au bout, sans opération sautée.
    assert rapport["complete"] and rapport["operations"]["tested"] == rapport["operations"]["total"], sortie
    assert echecs(rapport) == {}, sortie


@pytest.mark.django_db
def test_le_schema_dit_qui_appelle_sans_jeton_ce_qui_peut_etre_nul_et_quels_refus_attendre(client):
    """Les règles que config/schema.py déduit, lues telles qu'un client tiers les lit."""
    schema = client.get("/api/schema/?format=json").json()
    operations = schema["paths"]

    assert {} in operations["/api/v1/appels/"]["get"]["security"]  # public : le jeton est facultatif
    assert {} not in operations["/api/v1/cibles/"]["get"]["security"]
    appel = schema["components"]["schemas"]["Appel"]["properties"]
    assert appel["horizon"]["nullable"] and appel["appel_precedent"]["nullable"]
    assert set(operations["/api/v1/cibles/{id}/"]["patch"]["responses"]) == {"200", "400", "401", "403", "404", "409"}
    assert set(operations["/api/v1/types-dispositifs/"]["get"]["responses"]) == {"200", "401"}  # ni filtre ni page
    assert set(operations["/api/v1/auth/token/"]["post"]["responses"]) == {"200", "400", "429"}
    territoire = next(p for p in operations["/api/v1/cibles/"]["get"]["parameters"] if p["name"] == "territoire")
    assert territoire["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
