"""Les indicateurs communs, identiques pour tous les opérateurs et sans donnée nominative, que l'AMI
d'Île-de-France demande à chaque équipe financée (« des indicateurs communs ») : suivre les besoins, la réponse
apportée et évaluer le programme. Définitions rédigées par nous ; règles d'agrégation par indicateur.

Une ventilation décompose un total en catégories (`"total": code du total`) : chaque catégorie est un flux
(somme), s'applique aux mêmes types que son total, et la somme des catégories d'une déclaration égale le total
(indicateurs/regles.py). Les catégories viennent des sources, citées à chaque fiche (numéro de la source du
projet, ligne et citation courte) ; une catégorie de reste (« autre ») permet que la somme tombe juste, et dit
d'où elle vient.
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


def ventilation(total: str, critere: str, categories: list[tuple[str, str, str]]) -> list[dict]:
    """Les fiches des catégories d'un total, des flux entiers ; leur unité et leurs types sont ceux du total
    (`heriter_du_total`, une fois le catalogue écrit)."""
    return [
        {
            "code": code,
            "libelle": libelle,
            "definition": f"Répartition par {critere}. {source}",
            "nature_valeur": "entier",
            "agregation": "somme",
            "total": total,
        }
        for code, libelle, source in categories
    ]


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
    # Source 001, l. 38-41 (« Les personnes concernées sont ») : « Personnes vivant à la rue, en campements ou
    # dans des bidonvilles », « en dispositifs d'hébergement (CHU, CHRS, hôtels sociaux…) ou relevant du droit
    # d'asile (CAES, CADA, HUDA…) », « résidant en FTM ou en résidences sociales non transformées », « tout autre
    # type de conditions de vie » ; l. 10 « (campements, bidonvilles, squats) » ; l. 206 « bénéficiant d'un
    # logement » (public des ACT sans hébergement).
    *ventilation(
        "nouvelles_personnes",
        "lieu de vie",
        [
            ("lieu_de_vie_rue", "Nouvelles personnes vivant à la rue", "Source 001 : « Personnes vivant à la rue »."),
            (
                "lieu_de_vie_campement",
                "Nouvelles personnes vivant en campement, bidonville ou squat",
                "Source 001 : « en campements ou dans des bidonvilles », « (campements, bidonvilles, squats) ».",
            ),
            (
                "lieu_de_vie_hebergement",
                "Nouvelles personnes hébergées en CHU, CHRS, hôtel social, hébergement transitoire",
                "Source 001 : « dispositifs d'hébergement (CHU, CHRS, hôtels sociaux, hébergements transitoires "
                "collectifs, etc.) ».",
            ),
            (
                "lieu_de_vie_asile",
                "Nouvelles personnes hébergées au titre de l'asile (CAES, CADA, HUDA)",
                "Source 001 : « relevant du droit d'asile (CAES, CADA, HUDA…) ».",
            ),
            (
                "lieu_de_vie_ftm",
                "Nouvelles personnes en FTM ou résidence sociale non transformée",
                "Source 001 : « Les personnes résidant en FTM ou en résidences sociales non transformées ».",
            ),
            (
                "lieu_de_vie_logement",
                "Nouvelles personnes vivant dans un logement",
                "Source 001 : « bénéficiant d'un logement » (public des ACT sans hébergement).",
            ),
            (
                "lieu_de_vie_autre",
                "Nouvelles personnes dans une autre condition de vie",
                "Source 001 : « tout autre type de conditions de vie ».",
            ),
        ],
    ),
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
    # Source 001, l. 47-51 (« Les équipes mises en place doivent pouvoir intervenir ») : « De leur propre
    # initiative », « A la demande et en appui aux professionnels de santé de droit commun », « A la demande des
    # gestionnaires de lieux d'hébergement, des SIAO », « Dans le cadre de programmes mis en place par l'Agence
    # Régionale de Santé ou validée par elle » ; l. 128 : « sur signalement de professionnels […], de
    # particuliers, des personnes elles-mêmes ».
    *ventilation(
        "interventions_aller_vers",
        "déclenchement",
        [
            (
                "declenchement_initiative",
                "Interventions de la propre initiative de l'équipe",
                "Source 001 : « De leur propre initiative, selon une stratégie définie dans le projet initial ».",
            ),
            (
                "declenchement_demande",
                "Interventions à la demande (professionnels, hébergement, SIAO, personnes)",
                "Source 001 : « A la demande et en appui aux professionnels de santé de droit commun », « A la "
                "demande des gestionnaires de lieux d'hébergement, des SIAO », « sur signalement […] de "
                "particuliers, des personnes elles-mêmes ».",
            ),
            (
                "declenchement_programme_ars",
                "Interventions dans un programme de l'ARS (programmées, semi-urgence, urgence)",
                "Source 001 : « Dans le cadre de programmes mis en place par l'Agence Régionale de Santé ou "
                "validée par elle, qu'il s'agisse d'interventions programmées (vaccinations, dépistages), en "
                "semi-urgence (bilans de santé) ou avec un caractère d'urgence ».",
            ),
        ],
    ),
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
    # Les sources ne listent pas de destinations de sortie : celles-ci reprennent les orientations que la source
    # 001 décrit (l. 314 « vers un logement de droit commun », l. 217 « Orientation vers des structures et
    # dispositifs de mise à l'abri et d'hébergement (CHU, CHRS, etc.) via le 115 et orientation directe vers les
    # structures et dispositifs de soins résidentiels »). « Autre ou inconnue » n'est dans aucune source : c'est
    # le reste, sans lequel la somme ne tomberait pas juste.
    *ventilation(
        "sorties",
        "destination",
        [
            (
                "sortie_logement",
                "Sorties vers un logement de droit commun",
                "Source 001 : « accompagnement […] vers un logement de droit commun ».",
            ),
            (
                "sortie_hebergement",
                "Sorties vers un hébergement (CHU, CHRS…)",
                "Source 001 : « Orientation vers des structures et dispositifs de mise à l'abri et d'hébergement "
                "(CHU, CHRS, etc.) via le 115 ».",
            ),
            (
                "sortie_soins",
                "Sorties vers une structure de soins",
                "Source 001 : « orientation directe vers les structures et dispositifs de soins résidentiels », "
                "« orientation vers une structure de soins complémentaire ».",
            ),
            (
                "sortie_autre",
                "Sorties vers une autre destination ou inconnue",
                "Catégorie de reste, absente des sources : elle fait tomber la somme juste.",
            ),
        ],
    ),
    {
        # Source 001, l. 150 : « sur une durée importante, à ce stade encore à préciser » ; l. 164 : « La durée
        # de prise en charge est celle précisée sur la prescription ». Aucune tranche de durée dans les sources :
        # un flux de jours, dont la durée moyenne se déduit (÷ sorties) ; pas un taux, qui se compte en %.
        "code": "duree_accompagnement",
        "libelle": "Durée d'accompagnement des personnes sorties",
        "definition": "Somme, en jours, des durées d'accompagnement des personnes sorties dans le mois (de "
        "l'admission ou première rencontre à la sortie) ; divisée par les sorties, elle donne la durée moyenne.",
        "unite": "jours",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        # Source 003 : « Faciliter et développer le recours à l'interprétariat professionnel ». Aucun type
        # désigné : tous les types.
        "code": "interpretariat_professionnel",
        "libelle": "Entretiens avec interprétariat professionnel",
        "definition": "Entretiens ou consultations du mois menés avec un interprète professionnel (source 003 : "
        "« le recours à l'interprétariat professionnel »).",
        "unite": "entretiens",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": TOUS,
    },
    {
        # Source 003 : « permettre à 650 professionnels de repérer les situations de troubles mentaux » (plan de
        # formation des travailleurs sociaux) ; source 001, l. 74 : « Les équipes contribuent à la
        # formation/sensibilisation des acteurs sociaux » : les équipes mobiles.
        "code": "travailleurs_sociaux_formes",
        "libelle": "Travailleurs sociaux formés",
        "definition": "Travailleurs sociaux formés dans le mois par l'équipe au repérage des troubles mentaux et "
        "à l'orientation (source 003 : 650 professionnels à former en Occitanie).",
        "unite": "professionnels",
        "nature_valeur": "entier",
        "agregation": "somme",
        "types": MOBILES,
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


def heriter_du_total(catalogue: list[dict]) -> None:
    """Une catégorie compte la même chose que son total (son unité), pour les mêmes types de dispositifs."""
    par_code = {fiche["code"]: fiche for fiche in catalogue}
    for fiche in catalogue:
        if "total" in fiche:
            total = par_code[fiche["total"]]
            fiche.update(unite=total["unite"], types=total["types"])


heriter_du_total(CATALOGUE)

# {code du total: [codes de ses catégories]} : ce que la saisie, l'import, le tableau de bord et le secret lisent.
VENTILATIONS: dict[str, list[str]] = {}
for _fiche in CATALOGUE:
    if "total" in _fiche:
        VENTILATIONS.setdefault(_fiche["total"], []).append(_fiche["code"])
