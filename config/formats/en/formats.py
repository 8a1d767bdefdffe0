# English pages write dates the British way (6 December 2026, 06/12/2026), not the US way
# (m/d/Y) Django's "en" uses: the users are Dutch businesses and their English customers.
from django.conf.locale.en_GB.formats import *  # noqa: F403
