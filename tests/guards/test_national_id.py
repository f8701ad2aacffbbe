import pytest
from django.core.exceptions import ValidationError

from guards.validators import mask_national_id, national_id_check_digit, validate_national_id
from tests.factories import make_national_id


def test_valid_id_passes():
    # given a published example id (GB 11643-1999): check digit X
    validate_national_id("11010519491231002X")
    validate_national_id("11010519491231002x")  # lower-case x is accepted and normalised


def test_generated_ids_are_valid():
    for n in range(50):
        validate_national_id(make_national_id(n))


@pytest.mark.parametrize("value", ["110105194912310021", "110105194912310020"])
def test_bad_check_digit_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_national_id(value)
    assert exc.value.code == "check_digit"


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002X1", "", "1234"])
def test_wrong_length_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_national_id(value)
    assert exc.value.code == "length"


def test_letters_inside_are_refused():
    with pytest.raises(ValidationError) as exc:
        validate_national_id("1101051949123A002X")
    assert exc.value.code == "format"


def test_impossible_birth_date_is_refused():
    first17 = "42062519800231001"  # 31 February
    with pytest.raises(ValidationError) as exc:
        validate_national_id(first17 + national_id_check_digit(first17))
    assert exc.value.code == "birth_date"


def test_mask_keeps_region_and_last_four():
    assert mask_national_id("11010519491231002X") == "110105********002X"
