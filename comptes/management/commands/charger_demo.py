from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appels.demo import creer_appels_demo
from comptes.demo import creer_comptes_demo
from dispositifs.demo import autoriser_projet_retenu_demo
from financements.demo import creer_financements_demo, effacer_financements_demo
from indicateurs.demo import creer_indicateurs_demo, creer_rapports_demo, effacer_indicateurs_demo
from partenariats.demo import creer_partenariats_demo
from planification.demo import creer_planification_demo, creer_planification_nationale_demo
from programme.demo import creer_programme_demo
from territoires.services import importer_territoires


class Command(BaseCommand):
    help = "Charge les territoires de référence et les données de démonstration (DEBUG seulement)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les comptes de démonstration ont un mot de passe public. Activez DEBUG=1 "
                "(démonstration locale) pour les créer ; jamais en production."
            )
        for ligne in importer_territoires().lignes():
            self.stdout.write(ligne)
        comptes = creer_comptes_demo()
        effacer_indicateurs_demo()
        effacer_financements_demo()
        self.charger_planification()
        self.stdout.write(
            "Financements des Hauts-de-France : {enveloppes} enveloppes, {credits} crédits.".format(
                **creer_financements_demo()
            )
        )
        for appel in creer_appels_demo():
            self.stdout.write(f"Appel {appel.reference} ({appel.get_statut_display().lower()})")
        if projet := autoriser_projet_retenu_demo():
            self.stdout.write(f"Projet retenu autorisé puis à moitié installé : {projet}")
        self.stdout.write(
            "Programme : {feuilles} feuilles de route, {actions} actions, {jalons} jalons, {revues} revues.".format(
                **creer_programme_demo()
            )
        )
        self.stdout.write(
            "Partenariats : {conventions} conventions, {contacts} contacts, {rencontres} rencontre.".format(
                **creer_partenariats_demo()
            )
        )
        # Les agrégats en dernier, quand tous les dispositifs existent : les places d'Occitanie, autorisées au
        # niveau de la région par l'appel de démonstration, comptent parmi les déclarations attendues du pays
        # (sinon les lignes France des ACT et LAM n'étaient pas celles d'un recalcul : verifier_agregats).
        self.charger_indicateurs()
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(comptes)} comptes de démonstration, mot de passe « {settings.MOT_DE_PASSE_DEMO} » :"
            )
        )
        for compte in comptes:
            self.stdout.write(f"  {compte.email:35} {compte.get_role_display()} — {compte.structure}")

    def charger_planification(self):
        planification = creer_planification_demo()
        self.stdout.write(
            f"Planification des Hauts-de-France : {planification['dispositifs']} dispositifs et projets fictifs, "
            f"{planification['cibles']} cibles."
        )
        nationale = creer_planification_nationale_demo()
        self.stdout.write(
            f"Tableau national : horizon du Ségur, cible nationale LHSS 2 800 places (source 002), cibles et "
            f"capacités fictives pour {nationale['regions']} régions ({nationale['dispositifs']} dispositifs fictifs)."
        )

    def charger_indicateurs(self):
        indicateurs = creer_indicateurs_demo()
        self.stdout.write(
            f"Indicateurs fictifs : {indicateurs['valeurs']} valeurs sur 24 mois pour {indicateurs['dispositifs']} "
            f"dispositifs des Hauts-de-France, {indicateurs['agregats']} agrégats calculés."
        )
        for rapport in creer_rapports_demo(indicateurs["dernier_mois"]):
            self.stdout.write(f"{rapport} : {rapport.get_statut_display().lower()}")
