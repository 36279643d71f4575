import pytest

from complaints.models import STAGE_ORDER


@pytest.mark.django_db
@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_a_case_can_be_walked_to_every_stage(make_case, stage):
    case = make_case(stage)
    assert case.stage == stage
    assert case.events.filter(kind="stage_changed").count() == STAGE_ORDER.index(stage)
