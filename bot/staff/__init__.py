"""The municipality's side: the staff console at /staff (accounts, appointments, audit)."""
