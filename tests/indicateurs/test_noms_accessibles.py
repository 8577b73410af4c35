"""Chaque champ a son identifiant et son nom accessible à lui, même quand une page répète une ligne ou réunit deux
formulaires."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from commun.mois import decaler

pytestmark = pytest.mark.django_db


def doublons(motif: str, contenu: str) -> list[str]:
    return [valeur for valeur, nombre in Counter(re.findall(motif, contenu)).items() if nombre > 1]


def test_la_page_des_rapports_n_a_aucun_id_en_double(client, planificateur, region_hdf):
    client.force_login(planificateur)

    contenu = client.get(reverse("indicateurs:rapports:liste")).content.decode()

    assert 'id="id_mois"' in contenu and 'id="id_demande_mois"' in contenu  # les filtres, puis la demande
    assert doublons(r'\bid="([^"]+)"', contenu) == []


def test_chaque_commentaire_de_la_saisie_nomme_son_indicateur(client, operateur, lhss, calendrier_fige):
    client.force_login(operateur)
    mois = decaler(calendrier_fige.replace(day=1), -1)

    contenu = client.get(f"/indicateurs/declarations/{lhss.pk}/{mois:%Y-%m}/").content.decode()

    libelles = re.findall(r'<label[^>]*for="id_commentaire_[^"]+"[^>]*>\s*([^<]+?)\s*<', contenu)
    assert len(libelles) > 1
    assert doublons(r"(.+)", "\n".join(libelles)) == []
    assert "Commentaire sur « File active »" in libelles
