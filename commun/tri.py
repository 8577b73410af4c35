import unicodedata


def cle_alphabetique(nom: str) -> bytes:
    """Trie « Île-de-France » avec les I, pas après « Occitanie » : sans accents ni majuscules."""
    return unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").lower()
