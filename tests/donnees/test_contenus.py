"""Ce que publient les jeux capacités, appels et projets retenus — et ce qu'ils ne publient pas."""

import datetime

from django.utils import timezone

from appels.models import Candidature, Decision, Depot, NatureDecision, StatutAppel
from dispositifs.models import Nature, Unite
from donnees import appels, capacites
from tests.appels.factories import AppelFactory
from tests.dispositifs.factories import (
    DispositifFactory,
    EvenementCapaciteFactory,
    OrganismeFactory,
    TypeDispositifFactory,
)
from tests.territoires.factories import TerritoireFactory


def test_les_capacites_gardent_l_unite_de_leur_type_et_separent_le_fictif(region_hdf):
    nord = TerritoireFactory(parent=region_hdf, code="59", nom="Nord")
    hainaut = TerritoireFactory(parent=nord, code="59-hainaut", territoire_sante=True)
    lhss, empp = TypeDispositifFactory(code="LHSS"), TypeDispositifFactory(code="EMPP", unite=Unite.EQUIPES)
    reel = OrganismeFactory(fictif=False)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=hainaut, fictif=False, organisme=reel))
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=nord), quantite=5)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=empp, territoire=nord), quantite=2)
    ferme = DispositifFactory(type=lhss, territoire=nord, fictif=False, organisme=reel)
    EvenementCapaciteFactory(dispositif=ferme, quantite=7)
    EvenementCapaciteFactory(dispositif=ferme, nature=Nature.FERMETURE, date=datetime.date(2021, 1, 1), quantite=7)

    lignes = {(ligne["type_code"], ligne["fictif"]): ligne for ligne in capacites.lignes()}

    assert set(lignes) == {("LHSS", False), ("LHSS", True), ("EMPP", True)}
    assert lignes["LHSS", False]["capacite_autorisee"] == 10  # le territoire de santé compte dans son département
    assert lignes["LHSS", False]["departement_code"] == "59"
    assert lignes["EMPP", True]["unite"] == "equipes"
    assert lignes["LHSS", True]["unite"] == "places"


def decider(appel, nature, *, montant=None, planificateur, organisme=None, type_propose=None):
    candidature = Candidature.objects.create(appel=appel, organisme=organisme or OrganismeFactory())
    Depot.objects.create(
        candidature=candidature,
        version=1,
        numero=f"D-{candidature.pk}",
        depose_le=appel.ouverture,
        depose_par=planificateur,
        contenu={"lettre": {"experience": "CONTENU-CONFIDENTIEL"}, "pieces": []},
        empreinte="0" * 64,
        cle_idempotence=f"c-{candidature.pk}",
    )
    return Decision.objects.create(
        candidature=candidature,
        nature=nature,
        montant_retenu=montant,
        type_propose=type_propose,
        decide_par=planificateur,
        decide_le=timezone.now(),
    )


def test_seules_les_decisions_qui_retiennent_aux_appels_termines_sont_publiees(region_hdf, planificateur):
    termine = AppelFactory(region=region_hdf, statut=StatutAppel.TERMINE, reference="termine")
    en_cours = AppelFactory(region=region_hdf, statut=StatutAppel.EN_INSTRUCTION, reference="en-cours")
    AppelFactory(region=region_hdf, brouillon=True, reference="brouillon")
    retenu = OrganismeFactory(nom="Association retenue", fictif=False)
    decider(termine, NatureDecision.RETENUE, montant=300_000, planificateur=planificateur, organisme=retenu)
    act = TypeDispositifFactory(code="ACT")
    decider(termine, NatureDecision.REORIENTEE, montant=20_000, planificateur=planificateur, type_propose=act)
    decider(termine, NatureDecision.NON_RETENUE, planificateur=planificateur)
    decider(en_cours, NatureDecision.RETENUE, montant=1, planificateur=planificateur)

    projets = appels.lignes_projets()
    assert [(p["appel_reference"], p["decision"], p["montant_retenu"]) for p in projets] == [
        ("termine", "retenue", 300_000),
        ("termine", "reorientee", 20_000),
    ]
    assert projets[0]["organisme"] == "Association retenue"
    assert projets[1]["type_code"] == "ACT"  # le type vers lequel l'ARS a réorienté
    assert projets[0]["fictif"] is True  # l'appel de la fabrique est fictif
    par_reference = {a["reference"]: a for a in appels.lignes_appels()}
    assert set(par_reference) == {"termine", "en-cours"}
    assert par_reference["termine"]["nb_candidatures_deposees"] == 3
    assert (par_reference["termine"]["nb_projets_retenus"], par_reference["termine"]["montant_retenu"]) == (2, 320_000)
    assert par_reference["en-cours"]["nb_projets_retenus"] is None


def test_le_contenu_des_lettres_n_est_jamais_publie(client, region_hdf, planificateur):
    termine = AppelFactory(region=region_hdf, statut=StatutAppel.TERMINE)
    decider(termine, NatureDecision.RETENUE, montant=10, planificateur=planificateur)
    for slug in ("appels", "projets-retenus"):
        for format_ in ("csv", "json"):
            assert b"CONTENU-CONFIDENTIEL" not in client.get(f"/donnees/{slug}.{format_}").content
