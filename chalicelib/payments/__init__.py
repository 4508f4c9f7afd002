"""The organismes' payments, pure: their bank details, the SEPA credit transfer file the Caisse
des Dépôts sends its bank, and the bank's notification of what was paid or returned. No AWS
here: the area's store and jobs, when they come, call these functions with what they read."""
