from commun.pdf_recu import verifier_signature, verifier_taille


def valider_pdf(fichier):
    """Un vrai PDF (signature %PDF- en tête de fichier, pas seulement l'extension) de 10 Mo au plus. Le premier tri
    des PDF reçus ; les pièces jointes passent ensuite le contrôle complet (commun.pdf_recu.controler)."""
    verifier_taille(fichier.size)
    if fichier.closed:  # un fichier déjà enregistré (FieldFile), que la validation du modèle relit : refermé après
        with fichier.open("rb"):
            debut = fichier.read(5)
    else:  # un fichier reçu, que la suite relira : remis où il était
        position = fichier.tell()
        fichier.seek(0)
        debut = fichier.read(5)
        fichier.seek(position)
    verifier_signature(debut)


def choisir_une_nature(libelles) -> str:
    """Le refus d'une nature de pièce hors des choix, sans répéter la valeur reçue (elle peut faire un mégaoctet) :
    le même pour le formulaire et le service."""
    return f"choisissez {', '.join(f'« {libelle} »' for libelle in libelles)}."
