"""Lire une page du tableau de bord comme un attaquant, sans ce qui change à chaque rendu."""

import re

# L'identifiant d'un graphique pygal (uuid4) et le nonce CSP sont tirés au hasard à chaque page : « 4040 » ou
# « 4321 » peut y tomber (« chart-5918881c-6a4c-4040-… »), sans rien dire des chiffres publiés.
ALEATOIRES = re.compile(r'chart-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|nonce="[^"]*"')


def sans_aleatoire(html: str) -> str:
    return ALEATOIRES.sub("", html)
