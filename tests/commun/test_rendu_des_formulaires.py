"""Les formulaires DSFR partagent un moteur de rendu (commun/apps.py) : ses gabarits de champs compilés une fois."""

from django import forms
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

from territoires.models import Territoire


class Un(DsfrBaseForm):
    nom = forms.CharField()


class Autre(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = Territoire
        fields = ["nom"]


def test_deux_formulaires_dsfr_rendent_avec_le_meme_moteur_dsfr():
    un, autre = Un(), Autre()

    assert un.renderer is autre.renderer
    assert type(un.renderer) is DsfrDjangoTemplates
    assert 'class="fr-input' in str(un["nom"])  # toujours le rendu DSFR
