"""Import de l'extraction FINESS, sur l'exemple fictif livré (dispositifs/donnees/, voir PROVENANCE.md).

L'exemple : lignes 2 à 14 « structureet », 15 à 27 « geolocalisation ». Avec LHSS (180), LAM (213) et ACT (165)
au catalogue, 6 dispositifs sont créés, 5 lignes sont hors périmètre (SSIAD, SAAS, CSAPA, CAARUD, centre
hospitalier) et 2 sont rejetées : ligne 5 (clé FINESS fausse) et ligne 14 (département 96).
"""

import random
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.finess.extraction import ecrire_extraction
from dispositifs.finess import Rejet
from dispositifs.models import Dispositif, Organisme, Statut, TypeDispositif
from dispositifs.services import importer_finess
from territoires.models import Niveau
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory, TypeDispositifFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

EXEMPLE = Path(__file__).resolve().parents[2] / "dispositifs" / "donnees" / "etalab-cs1100507-stock-exemple.csv"
REJETS_EXEMPLE = [
    Rejet(5, "FINESS établissement « 599999027 » invalide (9 caractères dont le dernier est une clé de contrôle)"),
    Rejet(14, "département « 96 » inconnu"),
]


@pytest.fixture
def catalogue():
    """LHSS, LAM et ACT rattachés à leur catégorie FINESS, et aucun autre type, quel que soit le catalogue livré."""
    TypeDispositif.objects.update(categories_finess="")
    for code, categories in (("LHSS", "180"), ("LAM", "213"), ("ACT", "165")):
        TypeDispositifFactory(code=code)
        TypeDispositif.objects.filter(code=code).update(categories_finess=categories)
    return {type_.code: type_ for type_ in TypeDispositif.objects.all()}


@pytest.fixture
def departements():
    noms = {"02": "Aisne", "59": "Nord", "60": "Oise", "62": "Pas-de-Calais", "80": "Somme", "2A": "Corse-du-Sud"}
    return {code: TerritoireFactory(code=code, nom=nom) for code, nom in noms.items()}


@pytest.fixture
def exemple(catalogue, departements):
    return EXEMPLE


def copie_modifiee(tmp_path, avant: str, apres: str, *, encodage="latin-1"):
    """Une copie de l'exemple où `avant` est remplacé par `apres`, réécrite dans `encodage`."""
    texte = EXEMPLE.read_text(encoding="latin-1")
    assert avant in texte
    fichier = tmp_path / "etalab-cs1100507-stock-copie.csv"
    fichier.write_text(texte.replace(avant, apres), encoding=encodage, newline="")
    return fichier


def test_l_exemple_cree_six_dispositifs_et_rapporte_hors_perimetre_et_rejets(exemple):
    rapport = importer_finess(fichier=exemple)

    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (6, 0, 0)
    assert rapport.hors_perimetre == 5
    assert rapport.rejets == REJETS_EXEMPLE
    assert rapport.categories == ["165", "180", "213"]
    assert Dispositif.objects.count() == 6


def test_un_dispositif_importe_reprend_nom_type_territoire_commune_et_statut(exemple, catalogue, departements):
    importer_finess(fichier=exemple)

    lhss = Dispositif.objects.get(finess="599999018")
    assert lhss.nom == "LITS HALTE SOINS SANTÉ LE PHARE (FICTIF)"
    assert (lhss.type, lhss.territoire, lhss.commune) == (catalogue["LHSS"], departements["59"], "LILLE")
    assert lhss.statut == Statut.INSTALLE
    assert lhss.fictif


def test_sans_date_d_ouverture_le_dispositif_est_seulement_autorise(exemple):
    importer_finess(fichier=exemple)

    assert Dispositif.objects.get(finess="629999012").statut == Statut.AUTORISE


def test_la_commune_est_lue_sans_code_postal_ni_cedex(exemple):
    importer_finess(fichier=exemple)

    assert Dispositif.objects.get(finess="609999016").commune == "BEAUVAIS"


def test_un_dispositif_de_corse_est_rattache_a_son_departement_2a(exemple, departements):
    importer_finess(fichier=exemple)

    assert Dispositif.objects.get(finess="2A9999010").territoire == departements["2A"]


def test_les_accents_du_fichier_latin1_sont_lus_correctement(exemple):
    assert "SANTÉ".encode("latin-1") in EXEMPLE.read_bytes()

    importer_finess(fichier=exemple)

    estran = Dispositif.objects.get(finess="629999012")
    assert (estran.nom, estran.commune) == ("LITS HALTE SOINS SANTÉ DE L'ESTRAN (FICTIF)", "ÉTAPLES")


def test_une_copie_reenregistree_en_utf8_garde_ses_accents(tmp_path, catalogue, departements):
    fichier = copie_modifiee(tmp_path, "finess;etalab", "finess;etalab", encodage="utf-8")

    importer_finess(fichier=fichier)

    assert Dispositif.objects.get(finess="629999012").commune == "ÉTAPLES"


def test_un_organisme_est_cree_par_finess_juridique_sous_un_nom_provisoire(exemple):
    rapport = importer_finess(fichier=exemple)

    assert rapport.organismes_crees == 5
    organisme = Organisme.objects.get(finess_juridique="599998010")
    assert organisme.nom == "Entité juridique FINESS 599998010"
    assert organisme.fictif
    # Le LHSS de Lille et l'ACT de Laon relèvent de la même entité juridique.
    assert set(organisme.dispositifs.values_list("finess", flat=True)) == {"599999018", "029999018"}


def test_un_organisme_connu_par_son_finess_juridique_garde_son_nom(exemple):
    phare = OrganismeFactory(nom="Association du Phare (fictive)", finess_juridique="599998010")

    rapport = importer_finess(fichier=exemple)

    assert rapport.organismes_crees == 4
    phare.refresh_from_db()
    assert phare.nom == "Association du Phare (fictive)"
    assert phare.dispositifs.count() == 2


def test_un_organisme_saisi_sans_finess_juridique_le_recoit_de_son_dispositif(exemple, catalogue, departements):
    phare = OrganismeFactory(nom="Association du Phare (fictive)")
    DispositifFactory(finess="599999018", organisme=phare, type=catalogue["LHSS"], territoire=departements["59"])

    rapport = importer_finess(fichier=exemple)

    assert (rapport.organismes_completes, rapport.organismes_crees) == (1, 4)
    phare.refresh_from_db()
    assert phare.finess_juridique == "599998010"
    assert set(phare.dispositifs.values_list("finess", flat=True)) == {"599999018", "029999018"}


def test_un_second_import_ne_change_rien_et_n_ecrit_rien(exemple):
    importer_finess(fichier=exemple)

    with CaptureQueriesContext(connection) as requetes:
        rapport = importer_finess(fichier=exemple)

    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (0, 0, 6)
    assert (rapport.organismes_crees, rapport.organismes_completes) == (0, 0)
    assert rapport.rejets == REJETS_EXEMPLE
    ecritures = [q["sql"] for q in requetes if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert ecritures == []


def test_l_import_tient_en_un_nombre_fixe_de_requetes(exemple, django_assert_num_queries):
    # Catalogue, départements, dispositifs existants, organismes existants, insertion des organismes, insertion
    # des dispositifs ; et le point de sauvegarde de la transaction, ouvert puis relâché.
    with django_assert_num_queries(8):
        importer_finess(fichier=exemple)


def test_un_nom_change_dans_le_fichier_met_a_jour_ce_seul_dispositif(exemple, tmp_path):
    importer_finess(fichier=exemple)
    fichier = copie_modifiee(tmp_path, "SANTÉ LE PHARE (FICTIF)", "SANTÉ LE NOUVEAU PHARE (FICTIF)")

    rapport = importer_finess(fichier=fichier)

    assert (rapport.crees, rapport.modifies, rapport.inchanges) == (0, 1, 5)
    assert Dispositif.objects.get(finess="599999018").nom == "LITS HALTE SOINS SANTÉ LE NOUVEAU PHARE (FICTIF)"


def test_un_territoire_de_sante_du_departement_n_est_pas_remplace_par_le_departement(exemple, catalogue, departements):
    metropole = TerritoireFactory(code="32-metropole", parent=departements["59"], territoire_sante=True)
    DispositifFactory(finess="599999018", type=catalogue["LHSS"], territoire=metropole)

    importer_finess(fichier=exemple)

    assert Dispositif.objects.get(finess="599999018").territoire == metropole
    assert metropole.niveau == Niveau.TERRITOIRE_SANTE


def test_un_type_plus_fin_que_finess_choisi_a_la_main_est_conserve(exemple, departements):
    act_pediatrique = TypeDispositifFactory(code="ACT-PEDIATRIQUE")
    DispositifFactory(finess="029999018", type=act_pediatrique, territoire=departements["02"])

    importer_finess(fichier=exemple)

    assert Dispositif.objects.get(finess="029999018").type == act_pediatrique


def test_un_dispositif_dont_la_categorie_finess_a_change_change_de_type(exemple, catalogue, departements):
    DispositifFactory(finess="599999018", type=catalogue["LAM"], territoire=departements["59"])

    importer_finess(fichier=exemple)

    assert Dispositif.objects.get(finess="599999018").type == catalogue["LHSS"]


def test_un_type_peut_retenir_plusieurs_categories(exemple):
    TypeDispositifFactory(code="SSIAD")
    TypeDispositif.objects.filter(code="SSIAD").update(categories_finess="354, 209")

    rapport = importer_finess(fichier=exemple)

    assert (rapport.crees, rapport.hors_perimetre) == (8, 3)
    assert set(Dispositif.objects.filter(type__code="SSIAD").values_list("finess", flat=True)) == {
        "599999034",
        "629999020",
    }


def test_un_departement_d_outre_mer_code_a_la_mode_finess_est_reconnu(tmp_path, catalogue, departements):
    guadeloupe = TerritoireFactory(code="971", nom="Guadeloupe")
    fichier = copie_modifiee(tmp_path, ";62;PAS-DE-CALAIS;62630 ÉTAPLES;", ";9A;GUADELOUPE;97100 BASSE TERRE;")

    importer_finess(fichier=fichier)

    assert Dispositif.objects.get(finess="629999012").territoire == guadeloupe


def test_une_ligne_fautive_n_empeche_pas_les_autres(tmp_path, catalogue, departements):
    # Ligne 3 tronquée, ligne 4 d'un type inconnu ; les géolocalisations, même vides, ne sont jamais rejetées.
    texte = EXEMPLE.read_text(encoding="latin-1")
    lignes = texte.splitlines()
    lignes[2] = lignes[2][:80]
    lignes[3] = "structureej;" + lignes[3].partition(";")[2]
    lignes.append("geolocalisation;599999018")
    fichier = tmp_path / "etalab-cs1100507-stock-abime.csv"
    fichier.write_text("\n".join(lignes) + "\n", encoding="latin-1")

    rapport = importer_finess(fichier=fichier)

    assert rapport.rejets == [
        Rejet(3, "ligne mal formée : 31 champs attendus, 5 lus"),
        Rejet(4, "type de ligne « structureej » inconnu (structureet ou geolocalisation)"),
        *REJETS_EXEMPLE,
    ]
    assert rapport.crees == 4


def test_un_finess_present_deux_fois_est_rejete_la_seconde_fois(tmp_path, catalogue, departements):
    lignes = EXEMPLE.read_text(encoding="latin-1").splitlines()
    fichier = tmp_path / "etalab-cs1100507-stock-double.csv"
    fichier.write_text("\n".join([*lignes, lignes[1]]) + "\n", encoding="latin-1")

    rapport = importer_finess(fichier=fichier)

    assert rapport.rejets[-1] == Rejet(28, "FINESS établissement 599999018 déjà lu ligne 2")
    assert rapport.crees == 6


def test_la_commande_affiche_le_rapport_en_francais(exemple, capsys):
    call_command("importer_finess", str(exemple))

    sortie = capsys.readouterr().out
    assert "Catégories FINESS retenues : 165, 180, 213." in sortie
    assert "Dispositifs : 6 créé(s), 0 mis à jour, 0 inchangé(s)." in sortie
    assert "Organismes : 5 créé(s) sous un nom provisoire, 0 complété(s) de leur FINESS juridique." in sortie
    assert "Hors périmètre : 5 établissement(s)" in sortie
    assert "Rejetées : 2 ligne(s)." in sortie
    assert "ligne 5 : FINESS établissement « 599999027 » invalide" in sortie
    assert "ligne 14 : département « 96 » inconnu" in sortie


@pytest.mark.parametrize(
    "contenu",
    [
        "nofinesset;raison sociale;catégorie\n599999018;LHSS LE PHARE;180\n".encode(),
        "\ufeffsection;nofinesset\nstructureet;599999018\n".encode(),
        b"",
        b"PK\x03\x04\x14\x00\x06\x00",
    ],
    ids=["csv-utf8-avec-en-tete", "csv-utf8-bom", "vide", "classeur-xlsx"],
)
def test_un_fichier_d_un_autre_format_est_refuse_avec_un_message_clair(tmp_path, catalogue, departements, contenu):
    fichier = tmp_path / "finess.csv"
    fichier.write_bytes(contenu)

    with pytest.raises(
        CommandError, match=r"Format non reconnu : le fichier doit être une extraction FINESS"
    ) as erreur:
        call_command("importer_finess", str(fichier))

    assert "1re ligne « finess;etalab;<n>;<date> »" in str(erreur.value)
    assert not Dispositif.objects.exists()


def test_un_fichier_d_un_autre_format_est_un_refus_au_code_format_invalide(tmp_path):
    fichier = tmp_path / "finess.csv"
    fichier.write_bytes(b"nofinesset;raison sociale\n")

    with pytest.raises(ValidationError) as refus:
        importer_finess(fichier=fichier)

    assert refus.value.code == "format_invalide"


def test_un_fichier_absent_est_signale(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable : .*absent.csv"):
        call_command("importer_finess", str(tmp_path / "absent.csv"))


def test_un_caractere_de_controle_latin1_ne_coupe_pas_la_ligne(tmp_path, catalogue, departements):
    # L'octet 0x85 décodé en Latin-1 est un saut de ligne pour str.splitlines, pas pour le lecteur CSV.
    fichier = copie_modifiee(tmp_path, "SANTÉ LE PHARE (FICTIF)", "SANTÉ LE PHARE\x85(FICTIF)")

    rapport = importer_finess(fichier=fichier)

    assert (rapport.crees, rapport.rejets) == (6, REJETS_EXEMPLE)


def test_l_extraction_synthetique_de_la_mesure_s_importe_sans_rejet(tmp_path, catalogue, departements):
    fichier = tmp_path / "etalab-cs1100507-stock-synthetique.csv"
    lignes = ecrire_extraction(fichier, nb=2000, categories=["165", "180", "213"], hasard=random.Random(1))

    premier, second = importer_finess(fichier=fichier), importer_finess(fichier=fichier)

    assert lignes == 4001
    assert premier.rejets == []
    assert premier.crees + premier.hors_perimetre == 2000
    assert premier.crees > 50
    assert (second.crees, second.modifies, second.inchanges) == (0, 0, premier.crees)
