"""Le catalogue des types de dispositifs et son chargement (migration 0002, rechargeable sans doublon).

Les textes paraphrasent uniquement les sources de /work/shared/sources : un champ reste vide quand elles
ne disent rien du type. Le coût annuel de référence n'est renseigné que lorsqu'une source le donne.
"""

from decimal import Decimal

from django.db import transaction

from dispositifs.models import Financement, Rattachement, Secteur, Unite

SOURCE_IDF = "ARS Île-de-France, AMI équipes mobiles aller-vers"
SOURCE_HDF = "ARS Hauts-de-France, PRAPS 2018-2022"
SOURCE_NATIONALE = "ministère, renforcement des dispositifs médico-sociaux pour les personnes précaires"
SOURCE_OCCITANIE = "ARS Occitanie, feuille de route DREETS / ARS 2024"

PUBLICS_LHSS_LAM = (
    "Personnes vulnérables sans domicile fixe, souvent en souffrance psychique ou confrontées à des "
    "addictions, qui échappent à l'offre classique."
)
FINANCEMENT_LHSS_LAM = (
    "Stratégie pauvreté : 76,4 M€ investis pour créer 1 450 nouveaux lits de LHSS et de LAM d'ici 2022."
)
FINANCEMENT_MESURE_27 = "Dotation globale sur l'ONDAM médico-social spécifique (mesure 27 du Ségur de la santé)."

CATALOGUE = [
    {
        "code": "LHSS",
        "sigle": "LHSS",
        "libelle": "Lits halte soins santé",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.PLACES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.AUCUN,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "180",
        "description": (
            "Structures médico-sociales de soins résidentiels pour les personnes sans domicile. Le Ségur de la "
            "santé prévoit 500 LHSS supplémentaires pour atteindre 2 800 places d'ici 2022, ainsi que des versants "
            f"« mobile » et « accueil de jour ». Source : {SOURCE_NATIONALE} ; {SOURCE_HDF}."
        ),
        "publics": PUBLICS_LHSS_LAM,
        "missions": "Accueil, hébergement et prise en charge médico-sociale.",
        "equipe": "",
        "intervention": "",
        "partenaires": "",
        "modalites_financement": FINANCEMENT_LHSS_LAM,
        "ordre": 10,
    },
    {
        "code": "LHSS-MOBILE",
        "sigle": "LHSS mobile",
        "libelle": "Lits halte soins santé mobiles (« hors les murs »)",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.EQUIPES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.TYPE_PARENT,
        "type_parent": "LHSS",
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "Équipes mobiles pluridisciplinaires médico-sociales, rattachées juridiquement et opérationnellement "
            "à une structure LHSS de soins résidentiels dont elles sont une activité complémentaire (décret "
            "2020-1745 du 29 décembre 2020). Elles interviennent en amont et en aval des soins résidentiels. "
            f"Source : {SOURCE_IDF}, annexes 2 et 2 bis."
        ),
        "publics": (
            "Toute personne sans domicile rencontrant des freins dans l'accès aux soins (absence de couverture, "
            "non-recours) : personnes à la rue, personnes accueillies et accompagnées dans le secteur AHI, "
            "atteintes de pathologies aiguës ou chroniques. Accueil inconditionnel."
        ),
        "missions": (
            "En amont : repérage, évaluation médico-psycho-sociale et premiers soins médicaux et paramédicaux, "
            "quelle que soit la situation administrative ; accompagnement social personnalisé ; orientation vers "
            "la mise à l'abri et l'hébergement (via le 115) ou vers les soins résidentiels ; veille sanitaire. "
            "En aval : coordination du parcours de santé sur le lieu de vie, préparation des sorties d'hôpital, "
            "de SSR ou de structures résidentielles, suivi après un séjour en LHSS."
        ),
        "equipe": (
            "Au moins une compétence infirmière, des compétences sociales et une compétence médicale (médecin "
            "généraliste dans l'équipe ou d'astreinte) ; aides-soignants, chauffeur ou médiateur."
        ),
        "intervention": (
            "Sur signalement de professionnels (maraudes, 115, structures AHI, mairies…), de particuliers ou des "
            "personnes elles-mêmes, sur un périmètre identifié mais non sectorisé. De jour, de nuit, certains "
            "jours ou 7 jours sur 7, éventuellement en véhicule aménagé avec chauffeur."
        ),
        "partenaires": (
            "Structures médico-sociales et du secteur AHI du périmètre d'intervention, autres dispositifs "
            "d'aller-vers, PASS, EMPP, établissements de santé somatiques et psychiatriques."
        ),
        "modalites_financement": FINANCEMENT_MESURE_27,
        "ordre": 20,
    },
    {
        "code": "LHSS-AJ",
        "sigle": "LHSS accueil de jour",
        "libelle": "Lits halte soins santé – accueil de jour",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.PLACES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.TYPE_PARENT,
        "type_parent": "LHSS",
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "Mission nouvelle des LHSS en matière d'accueil de jour, qui rend possibles des permanences de "
            f"consultations médicales et paramédicales avancées. Source : {SOURCE_IDF}, annexe 2 ; "
            f"{SOURCE_NATIONALE}."
        ),
        "publics": "Le public visé pour l'accompagnement en LHSS.",
        "missions": (
            "Évaluer l'état de santé des personnes, leur donner des soins de premier recours et, le cas échéant, "
            "les orienter vers une structure de soins complémentaire."
        ),
        "equipe": (
            "Médecin (ou sage-femme dans le champ de la périnatalité), infirmier, psychologue selon les besoins, "
            "le projet d'établissement du LHSS et le partenariat conclu."
        ),
        "intervention": (
            "L'équipe pluridisciplinaire se déplace dans une structure d'accueil ou d'hébergement pour y assurer "
            "des consultations médicales et paramédicales."
        ),
        "partenaires": "Les structures d'accueil ou d'hébergement qui reçoivent les consultations, par partenariat.",
        "modalites_financement": "",
        "ordre": 30,
    },
    {
        "code": "LAM",
        "sigle": "LAM",
        "libelle": "Lits d'accueil médicalisés",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.PLACES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.AUCUN,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "213",
        "description": (
            "Structures médico-sociales d'accueil, d'hébergement et de prise en charge des personnes sans domicile "
            f"fixe, comme les LHSS. Source : {SOURCE_NATIONALE} ; {SOURCE_HDF}."
        ),
        "publics": PUBLICS_LHSS_LAM,
        "missions": "Accueil, hébergement et prise en charge médico-sociale.",
        "equipe": "",
        "intervention": "",
        "partenaires": "",
        "modalites_financement": FINANCEMENT_LHSS_LAM,
        "ordre": 40,
    },
    {
        "code": "ACT",
        "sigle": "ACT",
        "libelle": "Appartements de coordination thérapeutique",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.PLACES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.AUCUN,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "165",
        "description": (
            "Structures médico-sociales avec hébergement qui offrent aux personnes un accompagnement global sur "
            f"le long terme. Source : {SOURCE_NATIONALE} ; {SOURCE_IDF}, annexe 2 bis."
        ),
        "publics": "",
        "missions": (
            "Accompagnement global de long terme, par exemple pour se rendre aux rendez-vous médicaux ou ouvrir "
            "des droits."
        ),
        "equipe": "Médecin coordinateur, infirmier, éducateur spécialisé, assistant social, psychologue.",
        "intervention": "",
        "partenaires": "",
        "modalites_financement": "",
        "ordre": 50,
    },
    {
        "code": "ACT-HLM",
        "sigle": "ACT hors les murs",
        "libelle": "Appartements de coordination thérapeutique « hors les murs » (sans hébergement)",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.PLACES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.TYPE_PARENT,
        "type_parent": "ACT",
        "cout_annuel_unitaire": Decimal(11000),
        "categories_finess": "",
        "description": (
            "Versant mobile des ACT, expérimenté auparavant sous la forme d'ACT à domicile : un accompagnement "
            "sans hébergement, rattaché juridiquement et opérationnellement à une structure d'ACT avec "
            f"hébergement (décret 2020-1745 du 29 décembre 2020). Source : {SOURCE_IDF}, annexes 2 et 2 bis ; "
            f"{SOURCE_NATIONALE}."
        ),
        "publics": (
            "Personnes souffrant d'une maladie chronique invalidante, logées et présentant une ou plusieurs "
            "vulnérabilités (fragilité psychique, précarité économique, éloignement du système de santé, "
            "isolement, pratiques à risques ou addictives…) ; personnes sans domicile accueillies en établissement "
            "d'hébergement ou d'insertion. Accueil inconditionnel."
        ),
        "missions": (
            "Accompagnement médico-psycho-social personnalisé, co-construit avec la personne, pour la maintenir "
            "en logement ou en hébergement : suivi et coordination des soins, observance et autonomie vis-à-vis "
            "du traitement, accompagnement psychologique, aide à l'insertion. Contribue à mobiliser des logements "
            "d'aval auprès des bailleurs sociaux, pour fluidifier les ACT classiques."
        ),
        "equipe": (
            "Proche de celle des ACT avec hébergement (médecin coordinateur, infirmier, éducateur spécialisé, "
            "assistant social, psychologue), adaptée au public visé et aux modalités d'intervention."
        ),
        "intervention": (
            "Là où se trouve la personne : à domicile, à la rue, en établissement social, en squat ou en caravane. "
            "Passage d'un intervenant une fois par semaine, accompagnement physique possible aux rendez-vous "
            "médicaux et aux démarches de droit commun ; passerelle de l'ACT avec hébergement vers un logement de "
            "droit commun."
        ),
        "partenaires": (
            "Établissements de santé prenant en charge des pathologies chroniques sévères, médecins traitants et "
            "spécialistes libéraux, réseaux de santé, services de soins à domicile (HAD, infirmiers libéraux), "
            "SIAO, associations de patients atteints de maladies chroniques."
        ),
        "modalites_financement": (
            "Dotation globale sur l'ONDAM médico-social spécifique, 11 000 € par place et par an. Le Ségur de la "
            "santé consacre 10 M€ au développement du versant mobile des ACT."
        ),
        "ordre": 60,
    },
    # Pas de type parent : la seule source (PRAPS des Hauts-de-France) présente les ACT pédiatriques comme une
    # autorisation de places d'ACT à part entière (8 places sur la métropole lilloise), sans rattachement à un
    # ACT existant. Un parent imposerait de rattacher chaque ACT pédiatrique à un dispositif ACT.
    # Catégorie FINESS laissée vide : la catégorie 165 couvre tous les ACT, pas seulement les pédiatriques.
    {
        "code": "ACT-PEDIATRIQUE",
        "sigle": "ACT pédiatriques",
        "libelle": "Appartements de coordination thérapeutique pédiatriques",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.PLACES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.AUCUN,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "Places d'ACT dédiées aux enfants : le PRAPS des Hauts-de-France en autorise 8 sur la métropole "
            f"lilloise. Source : {SOURCE_HDF}."
        ),
        "publics": "Enfants présentant des pathologies chroniques évolutives, en situation de précarité.",
        "missions": "Prise en charge globale, médico-psycho-sociale.",
        "equipe": "",
        "intervention": "",
        "partenaires": "",
        "modalites_financement": "",
        "ordre": 70,
    },
    {
        "code": "EMPP",
        "sigle": "EMPP",
        "libelle": "Équipe mobile psychiatrie précarité",
        "secteur": Secteur.SANITAIRE,
        "unite": Unite.EQUIPES,
        "financement": Financement.MIG,
        "rattachement": Rattachement.ETABLISSEMENT_SANTE,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "Équipes rattachées à un établissement de santé, qui jouent un rôle de filtre dans la file active en "
            "psychiatrie et d'interface entre les secteurs de psychiatrie et les équipes sanitaires et sociales de "
            "lutte contre la précarité et l'exclusion. En Occitanie, elles couvrent les 13 départements et sont "
            f"renforcées depuis 2022. Source : {SOURCE_IDF}, annexe 2 ; {SOURCE_OCCITANIE}."
        ),
        "publics": "Personnes en situation de précarité et d'exclusion, notamment sans abri ou en habitat indigne.",
        "missions": (
            "Prévention, repérage précoce et évaluation des besoins de prise en charge en santé mentale, "
            "orientation et accès aux soins si nécessaire, pour que les personnes se réinscrivent dans le droit "
            "commun."
        ),
        "equipe": "",
        "intervention": "Aller-vers : au-devant des personnes, là où leurs besoins s'expriment ou sont repérés.",
        "partenaires": (
            "Secteurs de psychiatrie et équipes sanitaires et sociales œuvrant dans la lutte contre la précarité "
            "et l'exclusion."
        ),
        "modalites_financement": (
            "Financement spécialisé « psy-précarité » : hors des crédits de la mesure 27 du Ségur ouverts aux "
            "équipes mobiles médico-sociales."
        ),
        "ordre": 80,
    },
    {
        "code": "PASS",
        "sigle": "PASS",
        "libelle": "Permanence d'accès aux soins de santé",
        "secteur": Secteur.SANITAIRE,
        "unite": Unite.EQUIPES,
        "financement": Financement.MIG,
        "rattachement": Rattachement.ETABLISSEMENT_SANTE,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "Permanences hospitalières, outil de médiation sanitaire du PRAPS, à mieux mobiliser dans l'accès et "
            f"l'orientation dans le parcours de santé. Source : {SOURCE_HDF} ; {SOURCE_IDF}, annexe 2 ; "
            f"{SOURCE_OCCITANIE}."
        ),
        "publics": "",
        "missions": (
            "Accès aux soins et orientation dans le parcours de santé, à l'hôpital et en ville, avec un ancrage "
            "territorial et une orientation vers les soins de ville."
        ),
        "equipe": (
            "Équipe socle avec un temps médical identifié, renforcée si besoin par un poste d'infirmier (cahier "
            "des charges régional des Hauts-de-France)."
        ),
        "intervention": "",
        "partenaires": (
            "Structures sociales, par convention, pour organiser les entrées et sorties, le suivi des traitements, "
            "et maintenir ou ramener les personnes dans le droit commun."
        ),
        "modalites_financement": "",
        "ordre": 90,
    },
    {
        "code": "PASS-MOBILE",
        "sigle": "PASS mobile",
        "libelle": "Permanence d'accès aux soins de santé mobile",
        "secteur": Secteur.SANITAIRE,
        "unite": Unite.EQUIPES,
        "financement": Financement.MIG,
        "rattachement": Rattachement.TYPE_PARENT,
        "type_parent": "PASS",
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "Équipes rattachées à une PASS hospitalière, avec un effectif propre, qui répondent au cahier des "
            "charges de la DGOS. Leur action ne doit pas se substituer au premier recours, surtout là où la "
            f"démographie médicale est en tension. Source : {SOURCE_IDF}, annexe 2 ; {SOURCE_HDF}."
        ),
        "publics": "Publics très marginalisés, éloignés des questions de santé.",
        "missions": (
            "Évaluation sanitaire pour traiter les problèmes de santé les plus urgents et accompagnement aux soins, "
            "notamment vers la PASS de rattachement. Bilans de santé infirmiers, consultations médicales avancées, "
            "soins infirmiers sur place et remise de médicaments possibles."
        ),
        "equipe": (
            "De préférence des infirmiers et des travailleurs sociaux, avec des médecins si besoin (campagnes de "
            "dépistage, promotion de la vaccination)."
        ),
        "intervention": "Aller-vers, sur les lieux de vie : campements de rue, bidonvilles…",
        "partenaires": "",
        "modalites_financement": (
            "Relève de l'établissement de santé : hors des crédits de la mesure 27 du Ségur ouverts aux équipes "
            "mobiles médico-sociales."
        ),
        "ordre": 100,
    },
    {
        "code": "SSIAD-PRECARITE",
        "sigle": "SSIAD précarité",
        "libelle": "Service de soins infirmiers à domicile précarité (ESSIP)",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.PLACES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.AUCUN,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "SSIAD atypiques, par le profil des usagers comme par les objectifs de soins, appelés en Occitanie "
            "ESSIP (équipes spécialisées de soins infirmiers précarité). Pas de catégorie FINESS : la 354 (ou 209 "
            f"pour les SAAS) couvre tous les SSIAD, pas seulement ceux de la précarité. Source : {SOURCE_IDF}, "
            f"annexes 2 et 2 bis ; {SOURCE_HDF} ; {SOURCE_OCCITANIE}."
        ),
        "publics": (
            "Personnes en grande précarité, sans domicile, accueillies en établissement d'hébergement ou "
            "d'insertion (réseau AHI) et dont les problèmes de santé aigus ou chroniques demandent des soins "
            "infirmiers et de nursing."
        ),
        "missions": (
            "Soins techniques infirmiers (injections, pansements, traitements), soins d'hygiène, de confort et de "
            "nursing ; préparation, administration et surveillance des thérapeutiques ; suivi, prévention, "
            "éducation et surveillance ; coordination de parcours de santé complexes, accompagnement vers "
            "l'autonomie en santé et appui des équipes AHI."
        ),
        "equipe": "Infirmiers.",
        "intervention": (
            "Uniquement sur prescription médicale, pour la durée prescrite, dans tous les lieux de vie des "
            "personnes très démunies (accueil d'urgence, pensions de famille, campements, squats, ACT…), 7 jours "
            "sur 7 si nécessaire et sans condition d'ouverture de droits."
        ),
        "partenaires": (
            "Établissements et centres de santé, CCAS, PASS et équipes mobiles dotées de référents médicaux sur la "
            "même zone, auprès desquels le service doit se faire connaître."
        ),
        "modalites_financement": (
            "Dotation globale sur l'ONDAM médico-social spécifique. En Hauts-de-France, 2,4 M€ pérennes de "
            "fonctionnement pour 6 SSIAD précarité de plus (8 au total)."
        ),
        "ordre": 110,
    },
    {
        "code": "EMSP",
        "sigle": "EMSP",
        "libelle": "Équipe mobile santé précarité",
        "secteur": Secteur.MEDICO_SOCIAL,
        "unite": Unite.EQUIPES,
        "financement": Financement.ONDAM_MS,
        "rattachement": Rattachement.AUCUN,
        "type_parent": None,
        "cout_annuel_unitaire": None,
        "categories_finess": "",
        "description": (
            "Dispositif médico-social ad hoc d'aller-vers, aux missions proches de celles des LHSS mobiles mais "
            f"sans rattachement obligatoire à un LHSS. Source : {SOURCE_IDF}, annexes 2 et 2 bis ; "
            f"{SOURCE_OCCITANIE}."
        ),
        "publics": (
            "Toute personne sans domicile pouvant rencontrer des freins dans l'accès aux soins (absence de "
            "couverture, non-recours) : personnes à la rue, personnes hébergées ou accompagnées dans le secteur "
            "AHI. Accueil inconditionnel."
        ),
        "missions": (
            "Bilans de santé infirmiers et d'orientation, prise en charge globale et personnalisée, aller-vers "
            "coordonné pour amorcer des parcours de soins, veille et médiation sanitaires, dépistages collectifs et "
            "vaccinations de masse ; appui aux équipes et aux intervenants sociaux pour la promotion de la santé."
        ),
        "equipe": (
            "Au moins un binôme infirmier et travailleur social, médiateur ou éducateur. Pas de temps médical "
            "obligatoire, mais un médecin « en recours » identifié, dans l'équipe, la structure porteuse ou par "
            "convention."
        ),
        "intervention": (
            "Forte rapidité d'intervention, en bus sanitaires, maraudes mixtes ou veille sanitaire de rue, en "
            "réponse aux besoins non couverts et en soutien aux professionnels de terrain ; sur un périmètre "
            "régional convenu avec l'ARS ou sur une zone prédéterminée, cohérente avec les territoires de santé."
        ),
        "partenaires": (
            "Secteur AHI, dispositifs d'appui à la coordination (DAC), PMI. Sur une zone prédéterminée, convention "
            "ou accord avec les DAC, et avec la PMI pour les femmes enceintes ou avec jeunes enfants."
        ),
        "modalites_financement": FINANCEMENT_MESURE_27,
        "ordre": 120,
    },
]


@transaction.atomic
def charger_catalogue(TypeDispositif) -> tuple[int, int]:
    """Crée ou met à jour chaque type du CATALOGUE par son code ; renvoie (créés, modifiés).

    Prend la classe du modèle en argument pour servir aussi dans une migration (`apps.get_model`).
    Les types sans parent passent d'abord (un seul niveau de parenté dans le catalogue).
    """
    crees = modifies = 0
    for entree in sorted(CATALOGUE, key=lambda entree: entree["type_parent"] is not None):
        valeurs = {champ: valeur for champ, valeur in entree.items() if champ != "type_parent"}
        valeurs["type_parent_id"] = None
        if entree["type_parent"]:
            valeurs["type_parent_id"] = TypeDispositif.objects.get(code=entree["type_parent"]).pk
        type_ = TypeDispositif.objects.filter(code=entree["code"]).first()
        if type_ is None:
            TypeDispositif.objects.create(**valeurs)
            crees += 1
        elif _mettre_a_jour(type_, valeurs):
            modifies += 1
    return crees, modifies


def _mettre_a_jour(type_, valeurs: dict) -> bool:
    """Reporte les valeurs qui diffèrent sur `type_` et l'enregistre ; False si rien n'a changé."""
    differences = {champ: valeur for champ, valeur in valeurs.items() if getattr(type_, champ) != valeur}
    if not differences:
        return False
    for champ, valeur in differences.items():
        setattr(type_, champ, valeur)
    type_.save(update_fields=list(differences))
    return True
