"""Les pièces jointes de la lettre, essayées comme un attaquant : PDF hostiles fabriqués avec pikepdf (tests/appels/
pdf_hostiles.py), natures et noms hors des bornes, octets aléatoires et PDF mutés. Jamais de 500 : un refus en
français, ou une copie contrôlée qui s'ouvre proprement, et c'est elle qui part dans le ZIP des instructeurs."""

import hashlib
import io
import random
import zipfile

import pikepdf
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as reglages_hypothesis
from hypothesis import strategies as st

from appels.models import Candidature, Nature, PieceJointe
from appels.services import candidatures
from commun import pdf_recu
from tests.appels import pdf_hostiles as hostiles
from tests.appels.factories import AppelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def appel(region_hdf):
    return AppelFactory(reference="ami-pieces")


def joindre(client, appel, contenu: bytes, *, nature="autre", nom="piece.pdf"):
    fichier = SimpleUploadedFile(nom, contenu, content_type="application/pdf")
    return client.post(f"/appels/{appel.reference}/lettre/pieces/", {"nature": nature, "fichier": fichier})


def message_de(reponse) -> str:
    """Le message ajouté par cet envoi : le dernier (ceux des envois précédents attendent d'être affichés)."""
    return [str(m) for m in get_messages(reponse.wsgi_request)][-1]


def ouvrir(copie: bytes) -> pikepdf.Pdf:
    """Ouvre la copie sans réparation : elle doit être saine, sans un avertissement de qpdf."""
    document = pikepdf.open(io.BytesIO(copie), attempt_recovery=False)
    assert document.get_warnings() == []
    return document


def polyglotte_qui_finit_par_eof() -> bytes:
    """Le ZIP collé derrière le PDF, suivi d'un %%EOF : le fichier reçu s'ouvre comme un ZIP, et le contrôle
    des octets après la fin ne le voit pas. Seule la réécriture l'élimine."""
    return hostiles.polyglotte() + b"\n%%EOF\n"


def table_des_objets_decalee() -> bytes:
    """Dix octets insérés après l'en-tête : la table des objets ne pointe plus sur les objets. Un lecteur répare
    à sa façon ; on refuse plutôt que de deviner."""
    entier = hostiles.ordinaire()
    return entier[:15] + b" " * 10 + entier[15:]


HOSTILES = {
    "polyglotte (ZIP collé après %%EOF)": (hostiles.polyglotte, "donnees_apres_la_fin"),
    "OpenAction JavaScript": (hostiles.open_action_javascript, "javascript"),
    "JavaScript de niveau document": (hostiles.javascript_nomme, "javascript"),
    "lien qui lance un programme": (hostiles.lien_launch, "action"),
    "lien vers un partage réseau": (lambda: hostiles.lien_vers("\\\\serveur\\partage\\a.pdf"), "action"),
    "lien vers un fichier du poste": (lambda: hostiles.lien_vers("file:///C:/Windows/system32/cmd.exe"), "action"),
    "lien javascript:": (lambda: hostiles.lien_vers("javascript:alert(1)"), "action"),
    "action automatique d'une page": (hostiles.action_a_l_ouverture_de_page, "action_automatique"),
    "fichier incorporé": (hostiles.fichier_incorpore, "fichier_incorpore"),
    "chiffré sans mot de passe d'ouverture": (hostiles.chiffre, "chiffre"),
    "chiffré avec mot de passe": (lambda: hostiles.chiffre(mot_de_passe_utilisateur="secret"), "chiffre"),
    "arbre des pages qui boucle": (hostiles.arbre_qui_boucle, "illisible"),
    "arbre des pages qui se cite": (hostiles.arbre_qui_se_cite, "illisible"),
    "table des objets décalée": (table_des_objets_decalee, "illisible"),
    "PDF tronqué": (hostiles.tronque, "incomplet"),
    "en-tête seul": (lambda: hostiles.ENTETE_SEULE, "incomplet"),
    "pas un PDF du tout": (lambda: hostiles.PAS_UN_PDF, "pas_un_pdf"),
    "bombe de décompression": (hostiles.bombe_de_decompression, "trop_complexe"),
}


class TestPdfHostiles:
    @pytest.mark.parametrize("cas", HOSTILES)
    def test_le_pdf_hostile_est_refuse_en_francais_sans_rien_ecrire(self, client, operateur, appel, cas):
        fabrique, code = HOSTILES[cas]
        client.force_login(operateur)

        reponse = joindre(client, appel, fabrique())

        assert reponse.status_code == 302
        assert message_de(reponse) == f"« piece.pdf » refusé : {pdf_recu.MESSAGES[code]}"
        assert not Candidature.objects.exists() and not PieceJointe.objects.exists()

    @pytest.mark.parametrize("cas", HOSTILES)
    def test_le_service_refuse_par_un_code_stable_sur_le_champ_fichier(self, appel, organisme, cas):
        fabrique, code = HOSTILES[cas]
        candidature = Candidature(appel=appel, organisme=organisme)
        fichier = SimpleUploadedFile("piece.pdf", fabrique())

        with pytest.raises(ValidationError) as refus:
            candidatures.ajouter_piece(candidature=candidature, fichier=fichier, nature="autre")

        assert [e.code for e in refus.value.error_dict["fichier"]] == [code]

    def test_une_ouverture_a_une_page_un_lien_et_un_signet_passent(self, client, operateur, appel):
        client.force_login(operateur)

        reponse = joindre(client, appel, hostiles.avec_lien_et_signet())

        assert message_de(reponse) == "« piece.pdf » est joint (2 pages)."
        with PieceJointe.objects.get().fichier.open("rb") as fichier:
            assert len(ouvrir(fichier.read()).pages) == 2

    @pytest.mark.parametrize("adresse", ["https://www.ars.sante.fr/", "HTTP://exemple.fr", "mailto:ars@exemple.fr"])
    def test_un_lien_vers_le_web_ou_un_courriel_passe(self, adresse):
        assert pdf_recu.controler(hostiles.lien_vers(adresse)).pages == 1

    def test_une_ouverture_qui_ouvre_un_site_est_une_action_automatique(self, appel, organisme):
        document = pikepdf.new()
        document.add_blank_page()
        document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://x.invalid"))
        tampon = io.BytesIO()
        document.save(tampon)

        with pytest.raises(ValidationError) as refus:
            pdf_recu.controler(tampon.getvalue())

        assert refus.value.code == "action_automatique"


class TestCopieControlee:
    def test_on_garde_la_copie_reecrite_et_l_empreinte_du_fichier_recu(self, client, operateur, appel):
        """Le polyglotte qui finit par %%EOF passe le contrôle des octets, qpdf le lit comme un PDF ordinaire :
        on l'accepte, mais la copie gardée n'a plus rien du ZIP."""
        recu = polyglotte_qui_finit_par_eof()
        assert zipfile.is_zipfile(io.BytesIO(recu))
        client.force_login(operateur)

        joindre(client, appel, recu)

        piece = PieceJointe.objects.get()
        with piece.fichier.open("rb") as fichier:
            copie = fichier.read()
        assert piece.empreinte == hashlib.sha256(recu).hexdigest()
        assert not zipfile.is_zipfile(io.BytesIO(copie)) and b"PK\x03\x04" not in copie
        assert len(ouvrir(copie).pages) == piece.pages == 1
        assert piece.nom == "piece.pdf" and piece.fichier.name.startswith("appels/pieces/piece-")

    def test_le_zip_des_instructeurs_contient_la_copie_et_le_depot_l_empreinte_recue(
        self, client, instructeur, operateur, organisme, region_hdf
    ):
        from tests.appels.test_instruction import clore, deposer

        appel = AppelFactory(reference="aap-pieces", nature=Nature.AAP)
        recu = polyglotte_qui_finit_par_eof()
        candidature = Candidature.objects.create(appel=appel, organisme=organisme)
        candidatures.ajouter_piece(candidature=candidature, fichier=SimpleUploadedFile("a.pdf", recu), nature="autre")
        candidature = deposer(appel, organisme, operateur)
        clore(appel)
        client.force_login(instructeur)

        archive = zipfile.ZipFile(io.BytesIO(client.get("/instruction/aap-pieces/pieces.zip").content))

        (nom,) = [n for n in archive.namelist() if "/pieces/" in n]
        dans_le_zip = archive.read(nom)
        with PieceJointe.objects.get().fichier.open("rb") as fichier:
            assert dans_le_zip == fichier.read()
        assert not zipfile.is_zipfile(io.BytesIO(dans_le_zip))
        assert candidature.depot_courant.contenu["pieces"][0]["empreinte"] == hashlib.sha256(recu).hexdigest()

    def test_la_copie_est_la_meme_pour_le_meme_fichier_recu(self):
        recu = hostiles.avec_lien_et_signet()

        assert pdf_recu.controler(recu).copie == pdf_recu.controler(recu).copie


class TestNatureEtPages:
    @pytest.mark.parametrize("nature", ["zzz", "Lettre", "lettre ", "LETTRE", "", "x" * 100_000])
    def test_une_nature_hors_des_choix_est_refusee_par_le_formulaire(self, client, operateur, appel, nature):
        client.force_login(operateur)

        reponse = joindre(client, appel, hostiles.ordinaire(pages=5), nature=nature)

        assert message_de(reponse) == (
            "Pièce refusée. Nature de la pièce : choisissez « Lettre d'intention (4 pages au plus) », "
            "« Convention de partenariat signée », « Autre pièce »."
        )
        assert not PieceJointe.objects.exists()

    @pytest.mark.parametrize("nature", ["zzz", "Lettre", "n" * 16, None])
    def test_une_nature_hors_des_choix_est_refusee_par_le_service(self, appel, organisme, nature):
        candidature = Candidature(appel=appel, organisme=organisme)
        fichier = SimpleUploadedFile("lettre.pdf", hostiles.ordinaire(pages=5))

        with pytest.raises(ValidationError) as refus:
            candidatures.ajouter_piece(candidature=candidature, fichier=fichier, nature=nature)

        (erreur,) = refus.value.error_dict["nature"]
        assert erreur.code == "nature_inconnue"
        assert erreur.message.startswith("Nature de la pièce : choisissez « Lettre d'intention (4 pages au plus) »")
        assert not Candidature.objects.exists()

    def test_la_limite_de_pages_suit_la_nature(self, client, operateur, appel):
        client.force_login(operateur)

        lettre = joindre(client, appel, hostiles.ordinaire(pages=5), nature="lettre")
        convention = joindre(client, appel, hostiles.ordinaire(pages=5), nature="convention")

        assert message_de(lettre).endswith("fait 5 pages : 4 au plus.")
        assert message_de(convention) == "« piece.pdf » est joint (5 pages)."
        assert list(PieceJointe.objects.values_list("nature", "pages")) == [("convention", 5)]


class TestLongueurs:
    def test_un_nom_de_plus_de_200_caracteres_est_refuse_par_le_formulaire(self, client, operateur, appel):
        client.force_login(operateur)

        reponse = joindre(client, appel, hostiles.ordinaire(), nom="n" * 197 + ".pdf")

        assert message_de(reponse) == (
            "Pièce refusée. Fichier : Assurez-vous que ce nom de fichier comporte au plus 200 caractères "
            "(actuellement 201)."
        )
        assert not Candidature.objects.exists()

    def test_un_nom_de_plus_de_200_caracteres_est_refuse_par_le_service(self, appel, organisme):
        candidature = Candidature(appel=appel, organisme=organisme)
        fichier = SimpleUploadedFile("n" * 197 + ".pdf", hostiles.ordinaire())

        with pytest.raises(ValidationError) as refus:
            candidatures.ajouter_piece(candidature=candidature, fichier=fichier, nature="autre")

        (erreur,) = refus.value.error_dict["fichier"]
        assert erreur.message == "Le nom du fichier fait 201 caractères : 200 au plus, renommez-le."

    def test_un_nom_de_200_caracteres_et_une_nature_de_15_passent_en_base(self, client, operateur, appel):
        """La borne exacte : sur PostgreSQL, un caractère de plus serait une erreur de la base (500 avant)."""
        client.force_login(operateur)

        joindre(client, appel, hostiles.ordinaire(), nom="n" * 196 + ".pdf", nature="convention")

        assert len(PieceJointe.objects.get().nom) == 200

    def test_une_nature_de_16_caracteres_est_refusee_avant_la_base(self, client, operateur, appel):
        client.force_login(operateur)

        reponse = joindre(client, appel, hostiles.ordinaire(), nature="n" * 16)

        assert reponse.status_code == 302 and "Nature de la pièce" in message_de(reponse)
        assert not PieceJointe.objects.exists()


class TestBornes:
    """Les bornes de l'analyse sont celles du processus à part (mémoire, calcul, durée) et de qpdf. On ne
    chronomètre rien : on resserre une borne et on regarde quel refus tombe."""

    def test_l_arbre_qui_boucle_est_refuse_par_qpdf_bien_avant_la_borne_de_calcul(self, monkeypatch):
        """8**12 pages dépliées (pypdf les comptait jusqu'à sa limite, puis 500) ; 2**100 ici. Une seconde de
        calcul suffit : le refus vient de qpdf, qui visite chaque nœud une fois (« illisible »), pas du noyau
        qui tue l'analyse (« trop_complexe »)."""
        monkeypatch.setattr(pdf_recu, "CALCUL_MAX", 1)

        for arbre in (hostiles.arbre_qui_boucle(), hostiles.arbre_qui_boucle(profondeur=100, largeur=2)):
            with pytest.raises(ValidationError) as refus:
                pdf_recu.controler(arbre)
            assert refus.value.code == "illisible"

    def test_un_pdf_valide_qui_demande_trop_de_memoire_est_refuse_par_la_borne(self, monkeypatch):
        """Un million d'octets reçus, une centaine de Mo pour les lire : accepté avec la borne de production,
        refusé dès qu'elle est plus basse que ce qu'il demande."""
        recu = hostiles.grand_tableau()
        assert pdf_recu.controler(recu).pages == 1

        monkeypatch.setattr(pdf_recu, "MEMOIRE_MAX", 64 * 1024 * 1024)
        with pytest.raises(ValidationError) as refus:
            pdf_recu.controler(recu)

        assert refus.value.code == "trop_complexe"

    def test_une_analyse_qui_depasse_sa_duree_est_arretee_et_refusee(self, monkeypatch):
        monkeypatch.setattr(pdf_recu, "DUREE_MAX", 0.001)  # moins qu'il n'en faut pour lancer Python

        with pytest.raises(ValidationError) as refus:
            pdf_recu.controler(hostiles.ordinaire())

        assert refus.value.code == "trop_complexe"

    def test_qpdf_borne_la_decompression_d_un_flux_d_objets(self):
        """100 Ko reçus, 100 Mo une fois décompressés : au-delà de la limite de qpdf (64 Mo), sous celle du
        noyau. C'est qpdf qui refuse de décompresser plus."""
        assert pdf_recu.LIMITES_QPDF["flate_max_memory"] < 100 * 1024 * 1024 < pdf_recu.MEMOIRE_MAX

        with pytest.raises(ValidationError) as refus:
            pdf_recu.controler(hostiles.bombe_de_decompression())

        assert refus.value.code == "trop_complexe"


def muter(contenu: bytes, graine: int, nombre: int) -> bytes:
    """`nombre` mutations tirées de la graine : octet changé, bloc supprimé, dupliqué ou inséré, coupe."""
    tirage, octets = random.Random(graine), bytearray(contenu)
    for _ in range(nombre):
        position = tirage.randrange(len(octets) or 1)
        geste = tirage.choice(["changer", "supprimer", "dupliquer", "inserer", "couper"])
        if geste == "changer" and octets:
            octets[position] = tirage.randrange(256)
        elif geste == "supprimer":
            del octets[position : position + tirage.randrange(1, 64)]
        elif geste == "dupliquer":
            octets[position:position] = octets[position : position + tirage.randrange(1, 256)]
        elif geste == "inserer":
            octets[position:position] = tirage.choice([b"<<", b">>", b"[", b"]", b" 0 R", b"/JS", b"stream", b"%%EOF"])
        else:
            del octets[position:]
    return bytes(octets)


SOURCES = [
    hostiles.ordinaire(pages=2),
    hostiles.avec_lien_et_signet(),
    hostiles.open_action_javascript(),
    hostiles.fichier_incorpore(),
    hostiles.arbre_qui_boucle(profondeur=4, largeur=3),
]
# Des PDF bien formés dont la structure est tirée au hasard : des clés, dont celles du contenu actif, posées sur
# le catalogue ou la page, avec des valeurs imbriquées (noms d'actions, nombres, textes, tableaux, dictionnaires).
CLES = ["/JS", "/AA", "/S", "/EF", "/A", "/OpenAction", "/Names", "/Type", "/Annots", "/Perso"]
NOMS = ["/JavaScript", "/Launch", "/GoTo", "/URI", "/EmbeddedFile", "/Perso"]
valeurs = st.recursive(
    st.one_of(st.integers(-3, 3), st.sampled_from(NOMS), st.text(max_size=4)),
    lambda enfants: st.one_of(
        st.lists(enfants, max_size=3), st.dictionaries(st.sampled_from(CLES), enfants, max_size=3)
    ),
    max_leaves=6,
)


def en_pdf(valeur):
    if isinstance(valeur, dict):
        return pikepdf.Dictionary({cle: en_pdf(v) for cle, v in valeur.items()})
    if isinstance(valeur, list):
        return pikepdf.Array([en_pdf(v) for v in valeur])
    if isinstance(valeur, str):
        return pikepdf.Name(valeur) if valeur in NOMS else pikepdf.String(valeur)
    return valeur


def structure(ajouts: list[tuple[str, str, object]]) -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    for cible, cle, valeur in ajouts:
        (document.Root if cible == "catalogue" else document.pages[0].obj)[cle] = en_pdf(valeur)
    tampon = io.BytesIO()
    document.save(tampon)
    return tampon.getvalue()


def cles(valeur) -> set[str]:
    if isinstance(valeur, dict):
        return set(valeur) | {c for v in valeur.values() for c in cles(v)}
    return {c for v in valeur for c in cles(v)} if isinstance(valeur, list) else set()


ajouts = st.lists(st.tuples(st.sampled_from(["catalogue", "page"]), st.sampled_from(CLES), valeurs), max_size=3)
envois = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=2048).map(lambda octets: b"%PDF-1.7\n" + octets + b"\n%%EOF\n"),
    st.builds(muter, st.sampled_from(SOURCES), st.integers(0, 2**32), st.integers(1, 8)),
    ajouts.map(lambda a: (structure(a), a)),
)


@reglages_hypothesis(
    max_examples=80,
    derandomize=True,  # la même suite d'exemples à chaque lancement : un échec se rejoue
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(envoi=envois)
def test_quoi_qu_on_envoie_jamais_de_500_un_refus_en_francais_ou_une_copie_saine(client, operateur, appel, envoi):
    recu, ajouts = envoi if isinstance(envoi, tuple) else (envoi, [])
    client.force_login(operateur)
    refus = {f"« piece.pdf » refusé : {message}" for message in pdf_recu.MESSAGES.values()}
    refus.add("Pièce refusée. Fichier : Le fichier soumis est vide.")
    with transaction.atomic():  # chaque exemple repart de la même base
        reponse = joindre(client, appel, recu)

        assert reponse.status_code == 302
        message = message_de(reponse)
        # Une clé de contenu actif (script, action automatique, fichier incorporé), où qu'on l'ait posée (et pas
        # écrasée depuis) : refus.
        poses = {(cible, cle): valeur for cible, cle, valeur in ajouts}
        actif = any(({cle} | cles(valeur)) & {"/JS", "/AA", "/EF"} for (_, cle), valeur in poses.items())
        if actif or message in refus:
            assert message in refus and not PieceJointe.objects.exists()
        else:
            piece = PieceJointe.objects.get()
            assert message == f"« piece.pdf » est joint ({piece.pages} page{'s' if piece.pages > 1 else ''})."
            with piece.fichier.open("rb") as fichier:
                copie = ouvrir(fichier.read())
            assert len(copie.pages) == piece.pages and pdf_recu.contenu_actif(copie) == ""
            assert piece.empreinte == hashlib.sha256(recu).hexdigest()
        transaction.set_rollback(True)


def test_l_appel_ferme_refuse_la_piece_avant_toute_analyse(organisme, region_hdf, monkeypatch):
    appel = AppelFactory(clos=True)
    monkeypatch.setattr(pdf_recu, "controler", lambda recu: pytest.fail("analyse lancée"))

    with pytest.raises(ValidationError) as refus:
        candidatures.ajouter_piece(
            candidature=Candidature(appel=appel, organisme=organisme),
            fichier=SimpleUploadedFile("a.pdf", hostiles.ordinaire()),
            nature="autre",
        )

    assert refus.value.code == "appel_ferme"
