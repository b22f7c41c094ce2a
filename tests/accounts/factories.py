import factory
from django.contrib.auth.models import Group

from accounts import services
from accounts.constants import Role, TeamKind
from accounts.models import Membership, Municipality, Organisation, Team, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    code = factory.Sequence(lambda n: f"{n % 10000:04d}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Wijkteam {n}")
    kind = TeamKind.WIJKTEAM
    area = "Centrum"
    group = factory.LazyAttribute(lambda o: Group.objects.create(name=f"team:{o.municipality.code}:{o.name}"))

    class Params:
        expertise = factory.Trait(kind=TeamKind.EXPERTISETEAM, name=factory.Sequence(lambda n: f"Expertiseteam {n}"))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Zorgaanbieder {n}")
    kind = "zorgaanbieder"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.django.Password("correct-horse-battery-staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.REGISSEUR

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        return services.membership_add(user=kwargs["user"], team=kwargs["team"], role=kwargs["role"])
