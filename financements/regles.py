"""De quelles sources de crédits relève chaque type de dispositif, d'après les documents sources et seulement eux.

Les documents nomment les sources des équipes mobiles de la mesure 27 du Ségur (appel de l'ARS Île-de-France,
source 001) et écartent de ces crédits les EMPP et les PASS mobiles ; ils ne disent rien des autres types, dont la
liste reste ouverte : toute source y est admise, et la page budget le dit.
"""

from dataclasses import dataclass

from financements.models import SIGLES_SOURCES, Document, Source


@dataclass(frozen=True)
class Citation:
    document: Document
    emplacement: str
    texte: str


@dataclass(frozen=True)
class SourcesDuType:
    """Les sources admises d'un type : `fermee` quand les documents les nomment ; sinon toutes sauf `exclues`."""

    fermee: bool
    sources: frozenset = frozenset()  # les admises (liste fermée) ou les exclues (liste ouverte)
    citations: tuple[Citation, ...] = ()

    @property
    def admises(self) -> list[Source]:
        if self.fermee:
            return [s for s in Source if s in self.sources]
        return [s for s in Source if s not in self.sources]

    @property
    def sigles(self) -> list[str]:
        return [SIGLES_SOURCES[s] for s in self.admises]

    def admet(self, source) -> bool:
        return source in self.admises


ONDAM_SPECIFIQUE = Citation(
    Document.AMI_IDF,
    "Annexe 2 bis, tableau comparatif (LHSS mobiles, EMSP, ACT sans hébergement, SSIAD précarité), "
    "ligne « Financement »",
    "Dotation globale sur l’ONDAM médico-social spécifique",
)
FIR_OU_CNR = Citation(
    Document.AMI_IDF,
    "Annexe 1, « Déposer une lettre d’intention », pour un projet existant de ces équipes",
    "Est-il financé par l’Agence en FIR ou CNR ?",
)
HORS_MESURE_27 = Citation(
    Document.AMI_IDF,
    "« Ne seront pas éligibles à ce financement » (les crédits de l’ONDAM spécifique de la mesure 27)",
    "Les équipes mobiles relevant des établissements de santé (PASS mobiles), ou relevant d’un financement "
    "spécialisé (addictologie, psy-précarité -EMPP) ou du financement de droit commun (secteur psychiatrique, DAC, "
    "etc…)",
)

EQUIPES_MESURE_27 = SourcesDuType(
    fermee=True,
    sources=frozenset({Source.ONDAM_MS, Source.FIR, Source.CNR}),
    citations=(ONDAM_SPECIFIQUE, FIR_OU_CNR),
)
HORS_ONDAM_SPECIFIQUE = SourcesDuType(fermee=False, sources=frozenset({Source.ONDAM_MS}), citations=(HORS_MESURE_27,))
OUVERTES = SourcesDuType(fermee=False)

# Par code de type ; un type absent d'ici : les sources n'en disent rien (OUVERTES).
SOURCES_PAR_TYPE = {
    "LHSS-MOBILE": EQUIPES_MESURE_27,
    "EMSP": EQUIPES_MESURE_27,
    "ACT-HLM": EQUIPES_MESURE_27,
    "SSIAD-PRECARITE": EQUIPES_MESURE_27,
    "EMPP": HORS_ONDAM_SPECIFIQUE,
    "PASS-MOBILE": HORS_ONDAM_SPECIFIQUE,
}


def sources_du_type(type_) -> SourcesDuType:
    return SOURCES_PAR_TYPE.get(type_.code, OUVERTES)
