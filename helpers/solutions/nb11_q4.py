"""Worked solution of notebook 11, exercise 4 (q4); it sets `answer`."""
# To be in the "ever prescribed" group a patient had to survive until her first prescription (eight
# months on average): that event-free time is credited to the drug. This is immortal-time bias.
answer = "b"
