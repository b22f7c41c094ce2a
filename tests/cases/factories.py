import datetime

import factory

from accounts.constants import Role
from cases import services
from cases.constants import MemberRole
from cases.models import Case, Household, Person
from tests.accounts.factories import MembershipFactory, MunicipalityFactory, TeamFactory, UserFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    birth_date = factory.LazyFunction(lambda: datetime.date(1985, 5, 17))

    @factory.post_generation
    def bsn(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if extracted:
            self.set_bsn(extracted)
            if create:
                self.save()


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Gezin {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            from cases.models import HouseholdMember

            HouseholdMember.objects.create(
                household=self, person=PersonFactory(municipality=self.municipality), role=MemberRole.PARENT
            )


class CaseFactory(factory.django.DjangoModelFactory):
    """A case opened through the service (so number, history and audit are real)."""

    class Meta:
        model = Case

    team = factory.SubFactory(TeamFactory)
    household = factory.LazyAttribute(lambda o: HouseholdFactory(municipality=o.team.municipality))
    regisseur = None
    # Not a model field: `_create` closes the case through the service. (Was an empty
    # `Params` trait, which factory_boy never passed on, so `closed=True` opened a case.)
    closed = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        team = kwargs["team"]
        regisseur = kwargs.get("regisseur")
        if regisseur is None:
            regisseur = UserFactory()
            MembershipFactory(user=regisseur, team=team, role=Role.REGISSEUR)
        case = services.case_open(actor=regisseur, household=kwargs["household"], team=team, regisseur=regisseur)
        if kwargs.get("closed"):
            services.case_close(actor=regisseur, case=case, outcome="goal_reached")
        return case
