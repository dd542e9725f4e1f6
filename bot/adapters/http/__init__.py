"""HTTP for every platform served over it: the one shared server, the replay guard
that refuses a signed request seen before, and throttled logging of refusals."""
