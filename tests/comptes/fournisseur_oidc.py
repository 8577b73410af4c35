"""Un fournisseur OpenID local à la place de ProConnect (pas d'internet ici) : oidc-provider-mock, lancé dans un fil.

Il publie sa découverte, son authorize (un formulaire où l'on choisit le « sub »), son token (id_token signé RS256),
son userinfo, ses clés (jwks) et sa fin de session ; l'application y est branchée par ses réglages, lus dans la
découverte. mozilla-django-oidc et notre backend suivent donc le vrai flux, rien n'est simulé de leur côté."""

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import requests


@dataclass
class FournisseurOidc:
    url: str
    decouverte: dict

    def declarer(self, sub: str, *, acr: str = "eidas1-mfa", **claims) -> None:
        """Les claims que le fournisseur rendra pour `sub` (dans l'id_token et le userinfo), dont le niveau acr."""
        reponse = requests.put(f"{self.url}/users/{quote(sub)}", json={"acr": acr, **claims}, timeout=5)
        assert reponse.status_code == 204, reponse.text

    def autoriser(self, adresse_authorize: str, sub: str) -> str:
        """Ce que fait l'agent sur la mire : il s'authentifie comme `sub`. Rend l'adresse de retour (code, state)."""
        assert adresse_authorize.startswith(self.decouverte["authorization_endpoint"]), adresse_authorize
        reponse = requests.post(adresse_authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert reponse.status_code == 302, reponse.text
        return reponse.headers["Location"]

    def terminer_session(self, adresse_fin: str) -> str:
        """La fin de session chez le fournisseur : sa page de confirmation, puis le retour vers l'application."""
        assert adresse_fin.startswith(self.decouverte["end_session_endpoint"]), adresse_fin
        parametres = {cle: valeurs[0] for cle, valeurs in parse_qs(urlsplit(adresse_fin).query).items()}
        retour = f"{parametres['post_logout_redirect_uri']}?state={parametres['state']}"
        confirmation = f"{self.url}/oauth2/end_session/confirm"
        reponse = requests.post(confirmation, data={"redirect_uri": retour}, allow_redirects=False, timeout=5)
        assert reponse.status_code == 302, reponse.text
        return reponse.headers["Location"]


def brancher(settings, fournisseur: FournisseurOidc) -> None:
    """Les réglages de ProConnect pointés vers le fournisseur local, comme ils le seraient vers ProConnect."""
    decouverte = fournisseur.decouverte
    settings.OIDC_RP_CLIENT_ID = "pilotage-praps-tests"
    settings.OIDC_RP_CLIENT_SECRET = "secret-des-tests"
    settings.PROCONNECT_EMETTEUR = decouverte["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = decouverte["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = decouverte["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = decouverte["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = decouverte["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = decouverte["end_session_endpoint"]
    # Il signe avec sa clé unique sans l'identifier (pas de « kid » dans l'en-tête) ; ProConnect l'identifie.
    settings.OIDC_VERIFY_KID = False


def chemin(adresse: str) -> str:
    """Le chemin et la requête d'une adresse absolue de l'application, pour le client de test."""
    morceaux = urlsplit(adresse)
    return f"{morceaux.path}?{morceaux.query}" if morceaux.query else morceaux.path
