"""Les filtres du journal : une seule définition pour la page /journal/ et l'API /api/v1/journal/."""

import django_filters
from django import forms
from dsfr.forms import DsfrBaseForm

from commun.filtres import FiltresAPI
from journal.models import OBJETS, SYSTEME, EntreeJournal, choix_des_objets


class FiltresJournalForm(DsfrBaseForm):
    @property
    def dates_inversees(self) -> bool:
        """Une fin avant le début : rien ne peut correspondre. Ce n'est pas une erreur (la liste est vide, la page le
        dit), pour que l'API réponde comme son schéma l'annonce : deux dates valides sont acceptées."""
        donnees = getattr(self, "cleaned_data", {})
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        return bool(debut and fin and fin < debut)


class ChampDate(forms.DateInput):
    input_type = "date"


class FiltreJournal(django_filters.FilterSet):
    objet = django_filters.ChoiceFilter(
        label="Type d'objet",
        choices=choix_des_objets(),  # les modèles sont chargés : ce module se lit avec les adresses
        empty_label="Tous les types",
        method="filtrer_objet",
        help_text="Le type d'objet changé : cible, appel, depot, avis, decision, declaration, rapport, dispositif… ; "
        "non renseigné : tous.",
    )
    auteur = django_filters.CharFilter(
        label="Auteur",
        method="filtrer_auteur",
        help_text=f"Courriel de qui a agi, ou « {SYSTEME} » ; non renseigné : tous.",
    )
    date_debut = django_filters.DateFilter(
        label="Du",
        field_name="timestamp",
        lookup_expr="date__gte",
        widget=ChampDate,
        help_text="Premier jour, AAAA-MM-JJ (heure de Paris) ; non renseigné : depuis le début.",
    )
    date_fin = django_filters.DateFilter(
        label="Au",
        field_name="timestamp",
        lookup_expr="date__lte",
        widget=ChampDate,
        help_text="Dernier jour inclus, AAAA-MM-JJ (heure de Paris) ; non renseigné : jusqu'à aujourd'hui.",
    )

    class Meta:
        model = EntreeJournal
        fields = ["objet", "auteur", "date_debut", "date_fin"]
        form = FiltresJournalForm

    def filtrer_objet(self, entrees, nom, value: str):
        (objet,) = [o for o in OBJETS if o.code == value]
        return entrees.filter(objet.entrees())

    def filtrer_auteur(self, entrees, nom, value: str):
        if value.strip() == SYSTEME:
            return entrees.filter(actor__isnull=True)
        return entrees.filter(actor__email__iexact=value.strip())


class FiltreJournalAPI(FiltresAPI, FiltreJournal):
    """Les mêmes filtres pour l'API, avec sa règle commune : un filtre présent mais vide (`?date_debut=`) y est
    refusé, alors que la page, dont le formulaire envoie ses champs vides, l'accepte."""
