"""Demo data for the liaison_points app: a county modelled on Gucheng county, Hubei (DESIGN.md §1).

Everything is planned in memory first, deterministically from the seed, then written with bulk
inserts, skipping rows whose natural key already exists (township code, station name, zone name,
username, point code). Running the seed twice therefore creates nothing the second time.

The layout of the county (townships, stations, point codes and names, usernames, badges) does not
depend on the seed; positions and people's names do. `--scale province` keeps the eleven Gucheng
townships and adds generated ones across Hubei, for load tests.

One module per thing built: `geography` plans the county (townships, zones, points, officers),
`seed` writes it, `people` makes names, phone numbers and accounts, `bulk` writes many rows with
their history fast, and `common` holds what every app's demo builder shares. The names below are
what the other apps' demo builders, seed_demo and the tests import from `liaison_points.demo`."""
from liaison_points.demo.bulk import bulk_insert_with_history
from liaison_points.demo.common import HISTORY_REASON, REFERENCE_DATE, coordinate, demo_rng, offset_position
from liaison_points.demo.geography import (
    CENTRAL_OFFICE_POSITION,
    COUNTY_STREETS,
    GUCHENG_POINTS,
    GUCHENG_TOWNSHIPS,
    SCALES,
    TOWN_STREETS,
    ZONES,
    GeographyPlan,
    PointSpec,
    Scale,
    TownshipSpec,
    geography_plan,
    street_address,
)
from liaison_points.demo.people import (
    FEMALE_GIVEN,
    MALE_GIVEN,
    MOBILE_PREFIXES,
    SURNAMES,
    demo_password_hash,
    mobile_number,
    person_name,
    users_ensure,
)
from liaison_points.demo.seed import seed_liaison_points

__all__ = [
    "CENTRAL_OFFICE_POSITION", "COUNTY_STREETS", "FEMALE_GIVEN", "GUCHENG_POINTS", "GUCHENG_TOWNSHIPS",
    "HISTORY_REASON", "MALE_GIVEN", "MOBILE_PREFIXES", "REFERENCE_DATE", "SCALES", "SURNAMES", "TOWN_STREETS",
    "ZONES", "GeographyPlan", "PointSpec", "Scale", "TownshipSpec", "bulk_insert_with_history", "coordinate",
    "demo_password_hash", "demo_rng", "geography_plan", "mobile_number", "offset_position", "person_name",
    "seed_liaison_points", "street_address", "users_ensure",
]
