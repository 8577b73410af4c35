"""Le parcours de l'opérateur : ses mois à déclarer, la saisie d'un mois, l'import CSV."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from config.policy import Regle, acces, dispositifs_declarants
from indicateurs import calendrier, import_csv
from indicateurs.forms import DeclarationForm, ImportForm
from indicateurs.models import Declaration, Derogation, Indicateur, StatutDeclaration
from indicateurs.services import (
    MODIFIABLES,
    Conflit,
    Refus,
    enregistrer_declaration,
    enregistrer_et_transmettre,
    indicateurs_du_dispositif,
)

NB_MOIS = 12
A_FAIRE = ("non_declare", StatutDeclaration.BROUILLON, StatutDeclaration.RENVOYEE)
LIBELLES_COURTS = {
    "non_declare": "À déclarer",
    StatutDeclaration.BROUILLON: "Brouillon",
    StatutDeclaration.TRANSMISE: "Transmise",
    StatutDeclaration.VALIDEE: "Validée",
    StatutDeclaration.RENVOYEE: "Renvoyée",
}


@dataclass
class Case:
    """Un dispositif × un mois dans le tableau de l'opérateur."""

    dispositif: object
    mois: object
    declaration: Declaration | None
    verrouille: bool

    @property
    def statut(self) -> str:
        return self.declaration.statut if self.declaration else "non_declare"

    @property
    def libelle(self) -> str:
        return self.declaration.get_statut_display() if self.declaration else "Non déclaré"

    @property
    def libelle_court(self) -> str:
        """Pour la grille des douze mois, où « Transmise à l'ARS » serait trop large."""
        return LIBELLES_COURTS[self.statut]

    @property
    def echeance(self):
        return calendrier.echeance(self.mois)

    @property
    def a_faire(self) -> bool:
        return self.statut in A_FAIRE and not self.verrouille


def cases_de_l_operateur(dispositifs, today) -> list[tuple[object, list[Case]]]:
    """Les NB_MOIS derniers mois de chaque dispositif, en trois requêtes quel que soit leur nombre."""
    tous_les_mois = calendrier.derniers_mois(today, NB_MOIS)
    dispositifs = list(
        dispositifs.select_related("type", "organisme").order_by("organisme__nom", "type__ordre", "nom")
    )
    depuis = {"dispositif__in": dispositifs, "mois__gte": tous_les_mois[-1]}
    declarations = {(d.dispositif_id, d.mois): d for d in Declaration.objects.filter(**depuis)}
    rouverts = set(Derogation.objects.filter(jusqu_au__gte=today, **depuis).values_list("dispositif_id", "mois"))
    return [
        (
            dispositif,
            [
                Case(
                    dispositif,
                    mois,
                    declarations.get((dispositif.pk, mois)),
                    calendrier.verrouille_sans_derogation(mois, today) and (dispositif.pk, mois) not in rouverts,
                )
                for mois in tous_les_mois
            ],
        )
        for dispositif in dispositifs
    ]


@acces(Regle.DECLARER)
def mes_declarations(request):
    today = calendrier.aujourd_hui()
    lignes = cases_de_l_operateur(dispositifs_declarants(request.user), today)
    a_faire = sorted((c for _, cases in lignes for c in cases if c.a_faire), key=lambda c: (c.mois, c.dispositif.nom))
    contexte = {
        "lignes": lignes,
        "a_faire": a_faire,
        "tous_les_mois": calendrier.derniers_mois(today, NB_MOIS),
        "jours_verrouillage": settings.INDICATEURS_VERROUILLAGE_JOURS,
        "jour_echeance": settings.INDICATEURS_JOUR_ECHEANCE,
        "aujourd_hui": today,
    }
    return render(request, "indicateurs/declarations/mes_declarations.html", contexte)


def mois_declarable(texte: str, today):
    """Le mois de l'adresse ; 404 pour un texte qui n'est pas un mois ou pour un mois à venir."""
    mois = calendrier.lire_mois(texte)
    if mois is None or calendrier.est_futur(mois, today):
        raise Http404("Ce mois ne se déclare pas.")
    return mois


@acces(Regle.DECLARER)
def saisie(request, pk, mois):
    """Le formulaire d'un mois ; un POST enregistre (brouillon) ou enregistre et transmet, tout ou rien."""
    today = calendrier.aujourd_hui()
    dispositif = get_object_or_404(
        dispositifs_declarants(request.user).select_related("type", "organisme", "territoire"), pk=pk
    )
    mois = mois_declarable(mois, today)
    declaration = Declaration.objects.filter(dispositif=dispositif, mois=mois).first()
    indicateurs = list(indicateurs_du_dispositif(dispositif))
    if request.method != "POST":
        form = DeclarationForm(initial=valeurs_initiales(declaration), indicateurs=indicateurs)
        return page_saisie(request, dispositif, mois, declaration, form, today)
    form = DeclarationForm(request.POST, indicateurs=indicateurs)
    status = 400
    if form.is_valid():
        service = enregistrer_et_transmettre if "transmettre" in request.POST else enregistrer_declaration
        try:
            declaration = service(
                dispositif=dispositif,
                mois=mois,
                valeurs=form.valeurs(),
                commentaires=form.commentaires(),
                version_lue=form.cleaned_data["version"],
            )
        except Refus as refus:
            form.ajouter_refus(refus.erreurs)
            status = 409 if isinstance(refus, Conflit) else 400
        else:
            messages.success(request, message_de_succes(declaration))
            return redirect(request.path)
    return page_saisie(request, dispositif, mois, declaration, form, today, status=status)


def message_de_succes(declaration) -> str:
    if declaration.statut == StatutDeclaration.TRANSMISE:
        return f"Déclaration de {declaration.mois:%m/%Y} transmise à l'ARS."
    return f"Brouillon de {declaration.mois:%m/%Y} enregistré. Il n'est pas transmis : l'ARS ne le voit pas encore."


def valeurs_initiales(declaration) -> dict:
    if declaration is None:
        return {"version": 0}
    initial = {"version": declaration.version}
    for valeur in declaration.valeurs.select_related("indicateur"):
        initial[valeur.indicateur.code] = valeur.valeur.normalize()
        initial[f"commentaire_{valeur.indicateur.code}"] = valeur.commentaire
    return initial


def page_saisie(request, dispositif, mois, declaration, form, today, *, status=200):
    fermeture = calendrier.raison_de_fermeture(mois, dispositif, today)
    contexte = {
        "dispositif": dispositif,
        "mois": mois,
        "declaration": declaration,
        "form": form,
        "echeance": calendrier.echeance(mois),
        "date_verrouillage": calendrier.date_verrouillage(mois),
        "fermeture": fermeture,
        "modifiable": fermeture is None and (declaration is None or declaration.statut in MODIFIABLES),
    }
    return render(request, "indicateurs/declarations/saisie.html", contexte, status=status)


@acces(Regle.DECLARER)
def importer(request):
    """Le formulaire d'import, puis le compte rendu ligne par ligne (essai à blanc ou import réel)."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    rapport = None
    if form.is_bound and form.is_valid():
        rapport = import_csv.importer(
            contenu=form.cleaned_data["fichier"].read(),
            dispositifs=dispositifs_declarants(request.user),
            essai=form.cleaned_data["essai"],
            transmettre=form.cleaned_data["transmettre"],
        )
    contexte = {"form": form, "rapport": rapport, "indicateurs": indicateurs_importables()}
    return render(request, "indicateurs/declarations/import.html", contexte, status=400 if form.errors else 200)


def indicateurs_importables():
    return Indicateur.objects.saisis().prefetch_related("types")


@acces(Regle.DECLARER)
def modele_csv(request):
    """Le modèle CSV : une ligne par dispositif de l'opérateur, pour le mois précédent."""
    today = calendrier.aujourd_hui()
    codes = [i.code for i in indicateurs_importables()]
    dispositifs = dispositifs_declarants(request.user).order_by("type__ordre", "nom")
    contenu = import_csv.modele_csv(dispositifs, codes, calendrier.mois_precedent(calendrier.mois_de(today)))
    reponse = HttpResponse(contenu, content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="modele-declarations.csv"'
    return reponse
