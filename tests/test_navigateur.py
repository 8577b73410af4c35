"""Parcours dans un vrai navigateur : Chromium de Debian piloté par Playwright."""

import datetime
import os
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from config.policy import exige_double_authentification
from tests.comptes.factories import MOT_DE_PASSE, appareil_totp, code_totp
from tests.conftest import exige_service

CHROMIUM = Path("/usr/bin/chromium")
OPTIONS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def navigateur(django_db_blocker):
    exige_service(CHROMIUM.exists(), f"{CHROMIUM} absent : `make chromium` l'installe")
    # Playwright tient une boucle asyncio dans ce fil ; l'ORM des fixtures y reste synchrone.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with django_db_blocker.unblock():
        connexions_du_fil = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        garder_les_connexions_du_fil(connexions_du_fil)
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=OPTIONS_CHROMIUM)
        yield chromium
        chromium.close()


def garder_les_connexions_du_fil(connexions_du_fil):
    """La boucle de Playwright tourne désormais dans ce fil : asgiref y range alors les connexions de Django par
    contexte et non plus par fil, et chaque test recevrait une connexion neuve, sans l'état que pytest-django a
    posé sur celle du fil (le contenu sérialisé de `serialized_rollback`). Les tests transactionnels suivants ne
    restauraient plus la base et gardaient des types de contenu périmés en cache. On rend au contexte les
    connexions du fil, et l'on vérifie que c'est bien elles que l'ORM utilise."""
    for alias, connexion in connexions_du_fil.items():
        connections[alias] = connexion
    assert all(connections[alias] is connexion for alias, connexion in connexions_du_fil.items())


@pytest.fixture
def page(navigateur):
    contexte = navigateur.new_context(locale="fr-FR")
    page = contexte.new_page()
    page.erreurs_csp = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.erreurs_csp.append(m.text))
    yield page
    contexte.close()


@pytest.mark.navigateur
# serialized_rollback : le catalogue semé par migration survit au vidage de la base après le test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_planificateur_se_connecte_et_voit_son_accueil(live_server, page, planificateur):
    se_connecter(page, live_server, planificateur)

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.locator("main")).to_contain_text("Vous fixez les cibles du PRAPS")
    expect(page.locator("header")).to_contain_text("ARS Hauts-de-France")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
# serialized_rollback : le catalogue semé par migration survit au vidage de la base après le test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_la_connexion_se_fait_au_clavier(live_server, page, planificateur):
    appareil = appareil_totp(planificateur)
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Courriel").focus()
    page.keyboard.type(planificateur.email)
    page.keyboard.press("Tab")
    page.keyboard.type(MOT_DE_PASSE)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    page.keyboard.type(code_totp(appareil))  # le champ du code a le focus
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")


def se_connecter(page, live_server, utilisateur):
    """Par mot de passe, puis, pour un rôle qui décide, le code de son application d'authentification."""
    appareil = appareil_totp(utilisateur) if exige_double_authentification(utilisateur) else None
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Courriel").fill(utilisateur.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    if appareil:
        page.get_by_label("Code").fill(code_totp(appareil))
        page.get_by_role("button", name="Valider").click()


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_agent_se_connecte_par_proconnect_et_arrive_sur_son_accueil(live_server, page, proconnect, instructeur):
    """Page de connexion → « S'identifier avec ProConnect » → le fournisseur OpenID local → accueil de l'agent."""
    proconnect.declarer("agent-instructeur", email=instructeur.email.upper(), given_name="Camille")

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="S’identifier avec ProConnect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authorize Client")  # la mire du fournisseur
    page.get_by_placeholder("sub").fill("agent-instructeur")
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.locator("header")).to_contain_text("ARS Hauts-de-France")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_planificateur_active_sa_double_authentification(live_server, page, planificateur):
    """Première connexion : le QR code s'affiche (SVG, sans script), le code de l'application active l'appareil."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Courriel").fill(planificateur.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    qr_code = page.get_by_role("img", name="QR code à scanner avec votre application d'authentification")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("img => img.naturalWidth") > 100  # l'image est bien décodée
    page.get_by_label("Code").fill(code_totp(TOTPDevice.objects.get(user=planificateur)))
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    expect(page.locator("#codes-de-secours li")).to_have_count(10)
    page.get_by_role("link", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
# serialized_rollback : le catalogue semé par migration survit au vidage de la base après le test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_planificateur_colle_un_bloc_dans_la_grille_des_cibles_et_le_retrouve_dans_l_historique(
    live_server, page, planificateur
):
    """Accueil → « Saisir les cibles » → la grille de l'horizon ; un bloc de 3 territoires × 2 types collé dans une
    case (comme depuis un tableur) → « Enregistrer la grille » → l'avertissement (départements > région) →
    l'historique d'une case."""
    from planification.models import Cible
    from tests.planification.factories import HorizonFactory
    from tests.territoires.factories import TerritoireFactory

    HorizonFactory()
    TerritoireFactory(code="59", nom="Nord")
    TerritoireFactory(code="62", nom="Pas-de-Calais")
    se_connecter(page, live_server, planificateur)

    page.get_by_role("main").get_by_role("link", name="Saisir les cibles", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cibles — Cibles 2019-2023, Hauts-de-France")
    depart = page.get_by_label("LHSS · Hauts-de-France, en places")
    coller(depart, "70\t10\r\n40\t6\r\n35\t4\r\n")  # ce que copie un tableur
    expect(page.get_by_label("LHSS · Pas-de-Calais, en places")).to_have_value("35")
    expect(page.locator("#collage-etat")).to_contain_text("Bloc recopié dans la grille")
    page.get_by_label("Motif").fill("Diagnostic territorial 2024")
    page.get_by_role("button", name="Enregistrer la grille").click()

    expect(page.locator(".fr-alert--success")).to_contain_text("6 cases enregistrées")
    expect(page.locator("#avertissements-grille")).to_contain_text(
        "LHSS : la somme des cibles des départements (75 places) dépasse la cible de la région Hauts-de-France "
        "(70 places)."
    )
    assert Cible.objects.count() == 6
    page.get_by_role("link", name="Historique LHSS · Nord").click()
    historique = page.locator("table").first
    expect(historique).to_contain_text("Diagnostic territorial 2024")
    expect(historique).to_contain_text(str(planificateur))
    expect(historique).to_contain_text("40")
    assert page.erreurs_csp == []


def coller(champ, texte):
    """Un collage dans `champ`, comme Ctrl+V après une copie dans un tableur (le presse-papiers du navigateur sans
    tête n'est pas partagé : l'événement porte le texte). Après le chargement de la page, comme l'agent : le script
    de la grille (defer) ne s'attache qu'à la fin de la lecture du document, qu'une machine chargée retarde."""
    champ.page.wait_for_load_state()
    champ.evaluate(
        """(champ, texte) => {
            const donnees = new DataTransfer();
            donnees.setData("text/plain", texte);
            const collage = {clipboardData: donnees, bubbles: true, cancelable: true};
            champ.dispatchEvent(new ClipboardEvent("paste", collage));
        }""",
        texte,
    )


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parcours_complet_du_depot_a_la_perspective_de_planification(
    live_server, page, operateur, instructeur, planificateur, tmp_path
):
    """Sans taper une seule adresse (hors la connexion) : l'opérateur va de son accueil à l'appel ouvert, à sa
    lettre, la rédige, joint un PDF, dépose et télécharge l'accusé ; l'instructeur va de son accueil à la file
    de l'appel, note et retient ; le planificateur voit la nouvelle perspective dans son tableau."""
    from appels.models import Candidature, Depot
    from tests.appels.factories import AppelFactory, CritereFactory, pdf
    from tests.dispositifs.factories import TypeDispositifFactory
    from tests.planification.factories import HorizonFactory

    # Les tests transactionnels passent après les autres et ne peuvent pas compter sur le catalogue semé.
    emsp = TypeDispositifFactory(code="EMSP", libelle="Équipe mobile santé précarité", unite="equipes")
    appel = AppelFactory(reference="ami-navigateur", types_cibles=[emsp], horizon=HorizonFactory())
    CritereFactory(appel=appel, libelle="Réponse aux besoins", poids=60)
    CritereFactory(appel=appel, libelle="Coût", poids=40)
    lettre_pdf = tmp_path / "lettre.pdf"
    lettre_pdf.write_bytes(pdf(pages=2))
    se_connecter(page, live_server, operateur)
    page.get_by_role("main").get_by_role("link", name=appel.titre).click()  # les appels ouverts de l'accueil
    page.get_by_role("link", name="Déposer une lettre d'intention").click()
    page.wait_for_load_state()  # l'enregistrement automatique (script defer) s'attache à la fin du chargement

    page.get_by_label("Statut de l'organisme").fill("Association loi 1901")
    etat = page.locator("#etat-brouillon")
    expect(etat).to_contain_text("Brouillon enregistré", timeout=5000)  # enregistré tout seul
    expect(etat).to_contain_text("non déposée")
    assert Candidature.objects.get().brouillon["statut_organisme"] == ["Association loi 1901"]
    page.get_by_label("Expérience dans le champ de la santé des plus démunis").fill("Maraudes depuis 2010.")
    page.get_by_label("Dispositif envisagé").select_option("EMSP")
    page.get_by_label("S'agit-il d'un projet existant ?").select_option("non")
    # Les cases du DSFR se cochent par leur libellé, qui recouvre la case : comme le ferait une personne.
    page.locator("label[for=id_publics_0]").click()
    page.locator("label[for=id_territoires_0]").click()
    page.get_by_label("Nature de la proposition", exact=False).fill("Consultations de rue.")
    page.get_by_label("Estimation de la file active (personnes)").fill("80")
    page.get_by_label("Budget annuel demandé (€)").fill("180000")
    # Chaque ligne de l'équipe a ses propres libellés : on les trouve par leur nom, comme un lecteur d'écran.
    page.get_by_label("Profession, membre 1").fill("Infirmier")
    page.get_by_label("ETP, membre 1").fill("1")
    page.locator("label[for=id_equipe-0-professionnel_sante]").click()
    page.get_by_role("button", name="Ajouter une ligne").first.click()
    page.get_by_label("Profession, membre 2").fill("Médiatrice en santé")
    page.get_by_label("ETP, membre 2").fill("0,5")
    page.get_by_label("Fichier").set_input_files(str(lettre_pdf))
    page.get_by_role("button", name="Joindre").click()
    expect(page.get_by_role("status").first).to_contain_text("est joint (2 pages)")

    page.get_by_role("button", name="Déposer la lettre").click()

    depot = Depot.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dépôt n° {depot.numero}")
    assert [m["profession"] for m in depot.contenu["lettre"]["equipe"]] == ["Infirmier", "Médiatrice en santé"]
    expect(page.locator("main")).to_contain_text("180\xa0000")  # le budget à la française
    expect(page.locator("main")).to_contain_text("Médiatrice en santé — 0,5 ETP")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger l'accusé de dépôt (PDF)").click()
    assert telechargement.value.suggested_filename == f"accuse-{depot.numero}.pdf"

    appel.cloture = timezone.now() - datetime.timedelta(minutes=1)  # la date limite passe
    appel.save()
    page.get_by_role("button", name="Se déconnecter").click()
    se_connecter(page, live_server, instructeur)
    page.get_by_role("link", name="File d'instruction").click()
    page.get_by_role("link", name=appel.titre).click()
    page.get_by_role("link", name=operateur.organismes.get().nom).click()
    page.get_by_label("Réponse aux besoins").fill("8")
    page.get_by_label("Coût").fill("6")
    expect(page.locator("#total-avis")).to_contain_text("72")  # (8 × 60 + 6 × 40) / 100 × 10, en direct
    page.get_by_role("button", name="Enregistrer mon avis").click()
    page.locator("label", has_text="Retenue").first.click()
    page.get_by_label("Capacité retenue").fill("1")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator("main")).to_contain_text("Retenue")

    page.get_by_role("button", name="Se déconnecter").click()
    se_connecter(page, live_server, planificateur)
    page.get_by_role("main").get_by_role("link", name="Tableau de planification").click()
    page.get_by_label("Horizon").select_option(appel.horizon.slug)
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#tableau-planification")).to_contain_text("1 projet")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_operateur_declare_un_mois_l_instructeur_le_valide_et_le_tableau_de_bord_le_montre(
    live_server, page, operateur, instructeur
):
    from commun.mois import decaler
    from dispositifs.models import TypeDispositif
    from tests.dispositifs.factories import DispositifFactory
    from tests.territoires.factories import TerritoireFactory

    # Le catalogue semé par migration est là : serialized_rollback l'a rendu après les tests transactionnels
    # précédents (le worker Celery, les autres parcours), pourvu que la connexion soit celle du fil.
    nord = TerritoireFactory(code="59", nom="Nord", parent=instructeur.region)
    lhss = DispositifFactory(
        nom="LHSS fictif de Roubaix",
        type=TypeDispositif.objects.get(code="LHSS"),
        organisme=operateur.organismes.get(),
        territoire=nord,
    )
    mois = decaler(timezone.localdate().replace(day=1), -1)

    se_connecter(page, live_server, operateur)
    page.goto(f"{live_server.url}/indicateurs/declarations/{lhss.pk}/{mois:%Y-%m}/")
    page.get_by_label("File active", exact=False).first.fill("37")
    page.get_by_label("Nouvelles personnes accueillies", exact=False).first.fill("50")  # incohérent
    page.get_by_role("button", name="Transmettre à l'ARS").click()
    expect(page.locator("main")).to_contain_text("ne peuvent pas être plus nombreuses")
    page.get_by_label("Nouvelles personnes accueillies", exact=False).first.fill("9")
    page.get_by_role("button", name="Transmettre à l'ARS").click()
    expect(page.locator("main")).to_contain_text("Transmise")

    page.get_by_role("button", name="Se déconnecter").click()
    se_connecter(page, live_server, instructeur)
    page.goto(f"{live_server.url}/indicateurs/validation/")
    page.get_by_role("link", name="LHSS fictif de Roubaix").click()
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("main")).to_contain_text("alidée")

    page.goto(
        f"{live_server.url}/tableau-de-bord/?region={instructeur.region.code}&indicateur=file_active"
        f"&debut={mois:%Y-%m}&fin={mois:%Y-%m}"
    )
    expect(page.locator("#chiffres-cles, main").first).to_contain_text("37")
    ligne_nord = page.locator("tr", has_text="Nord (59)").first
    expect(ligne_nord).to_contain_text("37")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_l_instructeur_rouvre_une_declaration_validee_depuis_son_accueil(live_server, page, instructeur, operateur):
    """Issue 11, point 4 : accueil → Indicateurs → Suivi des déclarations → la déclaration validée → Rouvrir."""
    from commun.mois import decaler
    from indicateurs.models import Declaration, StatutDeclaration
    from tests.dispositifs.factories import DispositifFactory, TypeDispositifFactory
    from tests.indicateurs.factories import DeclarationFactory, ValeurFactory
    from tests.territoires.factories import TerritoireFactory

    lhss = DispositifFactory(
        nom="LHSS fictif de Tourcoing",
        type=TypeDispositifFactory(code="LHSS"),
        organisme=operateur.organismes.get(),
        territoire=TerritoireFactory(code="59", nom="Nord"),
    )
    mois = decaler(timezone.localdate().replace(day=1), -1)  # le mois que le suivi ouvre par défaut
    declaration = DeclarationFactory(dispositif=lhss, mois=mois, validee_par=instructeur)
    ValeurFactory(declaration=declaration)
    se_connecter(page, live_server, instructeur)

    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("button", name="Indicateurs").click()
    menu.get_by_role("link", name="Suivi des déclarations").click()
    page.locator("#recues + .fr-table").get_by_role("link", name="LHSS fictif de Tourcoing").click()
    page.get_by_label("Motif de la réouverture").fill("Les journées incluent le mois d'avant.")
    page.get_by_role("button", name="Rouvrir la déclaration").click()

    expect(page.get_by_text("Déclaration rouverte : l'opérateur est prévenu par courriel")).to_be_visible()
    declaration = Declaration.objects.get(pk=declaration.pk)
    assert (declaration.statut, declaration.motif_renvoi) == (
        StatutDeclaration.RENVOYEE,
        "Les journées incluent le mois d'avant.",
    )


# Depuis l'accueil de chaque rôle, en cliquant seulement : la tuile de chaque tâche principale et le titre de la
# page où elle mène.
TACHES_PRINCIPALES = {
    "operateur": [
        ("Appels ouverts", "Appels"),
        ("Mes lettres d'intention", "Mes candidatures"),
        ("Mes déclarations", "Mes déclarations"),
    ],
    "instructeur": [("File d'instruction", "Instruction des candidatures"), ("Tableau de bord", "Tableau de bord")],
    "dreets": [("File d'instruction", "Instruction des candidatures"), ("Tableau de bord", "Tableau de bord")],
    "planificateur": [
        ("Tableau de planification", "Planification du PRAPS"),
        ("Saisir les cibles", "Cibles"),
        ("Gérer les appels", "Gestion des appels"),
        ("Tableau de bord", "Tableau de bord"),
    ],
}


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("role", list(TACHES_PRINCIPALES))
def test_chaque_role_va_de_son_accueil_a_ses_taches_principales_en_cliquant(live_server, page, role, request):
    utilisateur = request.getfixturevalue(role)
    se_connecter(page, live_server, utilisateur)

    for tuile, titre in TACHES_PRINCIPALES[role]:
        page.get_by_role("main").get_by_role("link", name=tuile, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(titre)
        page.get_by_role("link", name="Accueil", exact=True).first.click()  # retour par le menu
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_operateur_reprend_sa_lettre_et_l_etat_dit_qu_elle_est_deposee(live_server, page, operateur):
    """Après un dépôt, l'enregistrement automatique d'une modification dit « déposée … non déposées » pour la
    modification, jamais « non déposée » pour la lettre."""
    from appels.models import Candidature
    from appels.services import candidatures
    from tests.appels.factories import AppelFactory, lettre_complete
    from tests.dispositifs.factories import TypeDispositifFactory

    appel = AppelFactory(reference="ami-reprise", types_cibles=[TypeDispositifFactory(code="EMSP", unite="equipes")])
    candidature = Candidature.objects.create(appel=appel, organisme=operateur.organismes.get())
    donnees = lettre_complete(appel, dispositif_envisage="EMSP")
    candidature.brouillon = {cle: v if isinstance(v, list) else [v] for cle, v in donnees.items()}
    candidature.save()
    depot = candidatures.deposer(candidature=candidature, user=operateur, cle="cle-navigateur")
    se_connecter(page, live_server, operateur)
    page.get_by_role("link", name="Mes lettres d'intention").click()
    page.get_by_role("link", name=appel.titre).first.click()
    page.wait_for_load_state()  # l'enregistrement automatique (script defer) s'attache à la fin du chargement

    page.get_by_label("Statut de l'organisme").fill("Association loi 1901 reconnue d'utilité publique")

    etat = page.locator("#etat-brouillon")
    expect(etat).to_contain_text("modifications enregistrées mais non déposées", timeout=5000)
    expect(etat).to_contain_text(f"n° {depot.numero}")
    expect(etat).not_to_contain_text("non déposée :")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_le_planificateur_finance_et_autorise_sans_l_administration(live_server, page, planificateur):
    """Financer et autoriser (issue 12), en cliquant depuis l'accueil : le planificateur crée un organisme et son
    dispositif, enregistre l'autorisation puis l'installation, voit le tableau de planification changer aux dates des
    arrêtés, enregistre un crédit et voit le disponible de l'enveloppe baisser — sans /admin/."""
    from dispositifs.models import Dispositif, Statut
    from financements.models import Source
    from tests.dispositifs.factories import TypeDispositifFactory
    from tests.financements.factories import EnveloppeFactory
    from tests.planification.factories import HorizonFactory
    from tests.territoires.factories import TerritoireFactory

    TypeDispositifFactory(code="LHSS")  # les tests transactionnels ne comptent pas sur le catalogue semé
    HorizonFactory()
    pas_de_calais = TerritoireFactory(code="62", nom="Pas-de-Calais", parent=planificateur.region)
    EnveloppeFactory(region=planificateur.region, annee=2026, source=Source.ONDAM_MS, montant=1_000_000)
    se_connecter(page, live_server, planificateur)

    # Un organisme, depuis la tuile de l'accueil.
    page.get_by_role("main").get_by_role("link", name="Organismes gestionnaires").click()
    page.get_by_role("link", name="Nouvel organisme").click()
    page.locator("#id_nom").fill("Association Abri Santé (fictive)")
    page.get_by_label("SIREN").fill("732 829 320")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Association Abri Santé (fictive)")

    # Son dispositif, depuis le menu.
    page.get_by_role("link", name="Accueil", exact=True).first.click()
    page.get_by_role("main").get_by_role("link", name="Dispositifs", exact=True).click()
    page.get_by_role("link", name="Nouveau dispositif").click()
    page.locator("#id_nom").fill("LHSS fictif de Lens")
    page.locator("#id_type").select_option(label="LHSS")
    page.locator("#id_organisme").select_option(label="Association Abri Santé (fictive)")
    page.locator("#id_territoire").select_option(label=str(pas_de_calais))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LHSS fictif de Lens")

    # Les arrêtés : autorisation de 12 places au 15 janvier 2026, installation de 8 au 1er mars.
    for nature, date, capacite in (("Autorisation", "2026-01-15", "12"), ("Installation", "2026-03-01", "8")):
        page.get_by_role("link", name="Enregistrer un arrêté").click()
        page.get_by_label("Nature de l'arrêté").select_option(label=nature)
        page.get_by_label("Date d'effet").fill(date)
        page.get_by_label("Capacité (places)").fill(capacite)
        page.get_by_label("Référence de l'arrêté").fill(f"Arrêté fictif {nature.lower()}")
        page.get_by_role("button", name="Enregistrer l'arrêté").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("LHSS fictif de Lens")
    dispositif = Dispositif.objects.get(nom="LHSS fictif de Lens")
    assert dispositif.statut == Statut.INSTALLE

    # Le tableau de planification, à trois dates : avant l'autorisation, entre les deux arrêtés, après.
    page.get_by_role("link", name="Planification", exact=True).click()
    ligne = page.locator("#tableau-planification tr", has_text="Pas-de-Calais")
    for date, autorises, installes in (
        ("2026-01-14", None, None),
        ("2026-02-01", "12", "0"),
        ("2026-03-02", "12", "8"),
    ):
        page.get_by_label("Capacités au").fill(date)
        page.get_by_role("button", name="Afficher").click()
        if autorises is None:
            expect(ligne).to_have_count(0)  # rien d'autorisé ni d'installé : la ligne n'existe pas encore
            continue
        cellules = ligne.locator("td.nombre")
        expect(cellules.nth(0)).to_have_text(autorises)
        expect(cellules.nth(1)).to_have_text(installes)

    # Un crédit, depuis la fiche du dispositif : le disponible de l'enveloppe ONDAM baisse d'autant.
    page.get_by_role("link", name="Accueil", exact=True).first.click()
    page.get_by_role("main").get_by_role("link", name="Dispositifs", exact=True).click()
    page.get_by_role("link", name="LHSS fictif de Lens").click()
    page.get_by_role("link", name="Enregistrer un crédit").click()
    page.get_by_label("Année").fill("2026")
    page.get_by_label("Source des crédits").select_option(Source.ONDAM_MS)
    page.get_by_label("Montant (€)").fill("250000")
    page.get_by_label("Référence de la notification").fill("Notification fictive 2026-01")
    page.get_by_role("button", name="Enregistrer le crédit").click()
    enveloppe = page.locator("#enveloppes tbody tr:not(.total)", has_text="ONDAM")
    expect(enveloppe.locator("td.nombre").nth(1)).to_have_text("250\xa0000\xa0€")  # engagé
    expect(enveloppe.locator("td.nombre").nth(2)).to_contain_text("750\xa0000\xa0€")  # disponible
    assert "/admin/" not in page.url
    assert page.erreurs_csp == []
