import pytest

from comptes.demo import creer_comptes_demo
from partenariats.demo import creer_partenariats_demo
from partenariats.models import Contact, Convention, RencontreBilaterale
from territoires.services import importer_territoires

pytestmark = pytest.mark.django_db


def test_la_demonstration_se_recharge_sans_doublon():
    importer_territoires()
    creer_comptes_demo()

    premiere = creer_partenariats_demo()
    seconde = creer_partenariats_demo()

    assert premiere == seconde == {"conventions": 4, "contacts": 29, "rencontres": 1}
    assert (
        Convention.objects.count() == 4 and Contact.objects.count() == 29 and RencontreBilaterale.objects.count() == 1
    )
    # 3 contacts régionaux, puis 2 par département d'Occitanie : les 13 y sont.
    assert Contact.objects.filter(territoire__niveau="departement").values("territoire").distinct().count() == 13
    assert all(c.courriel.endswith("@demo.example") and c.fictif for c in Contact.objects.all())
    assert Convention.objects.exclude(pdf="").count() == 1 and all(c.fictif for c in Convention.objects.all())
