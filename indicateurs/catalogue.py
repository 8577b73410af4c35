"""Les indicateurs communs, identiques pour tous les opérateurs et sans donnée nominative, que l'AMI
d'Île-de-France demande à chaque équipe financée (« des indicateurs communs ») : suivre les besoins, la réponse
apportée et évaluer le programme. Définitions rédigées par nous ; règles d'agrégation par indicateur.
"""

TOUS = [
    "LHSS",
    "LHSS-MOBILE",
    "LHSS-AJ",
    "LAM",
    "ACT",
    "ACT-HLM",
    "ACT-PEDIATRIQUE",
    "EMPP",
    "PASS",
    "PASS-MOBILE",
    "SSIAD-PRECARITE",
    "EMSP",
]
AVEC_PLACES = ["LHSS", "LHSS-AJ", "LAM", "ACT", "ACT-PEDIATRIQUE", "SSIAD-PRECARITE"]
MOBILES = ["LHSS-MOBILE", "ACT-HLM", "EMPP", "PASS-MOBILE", "EMSP"]

CATALOGUE = [
    {
        "code": "file_active",
        "libelle": "File active",
        "definition": "Nombre de personnes distinctes suivies au moins une fois dans le mois. Sur un trimestre ou "
        "une année, on donne la moyenne mensuelle : additionner les mois compterait plusieurs fois les mêmes "
        "personnes.",
        "unite": "personnes",
        "nature_valeur": "entier",
        "agregation": "moyenne",
        "types": TOUS,
    },
    {
        "code": "nouvelles_personnes",
        "libelle": "Nouvelles personnes accueillies",
        "definition": "Personnes admises ou rencontrées pour la première fois dans le mois ; comprises dans la "
        "file active.",
        "unite": "personnes",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        "code": "bilans_sante",
        "libelle": "Bilans de santé réalisés",
        "definition": "Bilans de santé (somatique, psychique, addictologique) réalisés dans le mois.",
        "unite": "bilans",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        "code": "orientations_droit_commun",
        "libelle": "Orientations vers le droit commun",
        "definition": "Orientations effectives vers la médecine de ville, l'hôpital ou un autre dispositif de "
        "droit commun.",
        "unite": "orientations",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        "code": "ouvertures_droits",
        "libelle": "Ouvertures de droits à l'assurance maladie",
        "definition": "Droits ouverts ou rétablis dans le mois (AME, complémentaire santé solidaire, PUMa…).",
        "unite": "dossiers",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        "code": "interventions_aller_vers",
        "libelle": "Interventions d'aller-vers",
        "definition": "Sorties de l'équipe vers les lieux de vie (rue, campements, hébergements) dans le mois.",
        "unite": "interventions",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": MOBILES,
    },
    {
        "code": "vaccinations",
        "libelle": "Vaccinations",
        "definition": "Actes de vaccination réalisés ou organisés par le dispositif dans le mois.",
        "unite": "actes",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        "code": "depistages",
        "libelle": "Dépistages",
        "definition": "Dépistages réalisés ou organisés dans le mois (tuberculose, VIH, hépatites, cancers…).",
        "unite": "actes",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        "code": "journees_realisees",
        "libelle": "Journées réalisées",
        "definition": "Journées de prise en charge effectivement réalisées dans le mois.",
        "unite": "journées",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": AVEC_PLACES,
    },
    {
        "code": "journees_theoriques",
        "libelle": "Journées théoriques",
        "definition": "Places installées × jours d'ouverture du mois.",
        "unite": "journées",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": AVEC_PLACES,
    },
    {
        "code": "taux_occupation",
        "libelle": "Taux d'occupation",
        "definition": "Journées réalisées / journées théoriques × 100, recalculé sur toute période à partir des "
        "sommes, jamais en moyennant des taux mensuels. Calculé, non déclaré.",
        "unite": "%",
        "nature_valeur": "decimal",
        "agregation": "taux",
        "numerateur": "journees_realisees",
        "denominateur": "journees_theoriques",
        "types": AVEC_PLACES,
    },
    {
        "code": "sorties",
        "libelle": "Sorties",
        "definition": "Personnes sorties du dispositif dans le mois, quel qu'en soit le motif.",
        "unite": "personnes",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        "code": "etp_en_poste",
        "libelle": "ETP en poste",
        "definition": "Équivalents temps plein en poste le dernier jour du mois ; sur une période, la dernière "
        "valeur.",
        "unite": "ETP",
        "nature_valeur": "decimal",
        "agregation": "derniere",
        "types": TOUS,
    },
]
