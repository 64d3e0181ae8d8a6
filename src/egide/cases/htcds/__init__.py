"""Exchange of case profiles in the IOM Human Trafficking Case Data Standard (HTCDS) v2.0.

`mapping` names, for each field of the profile, the HTCDS column and its code values;
`export` writes the cases of an organisation without any identity value; `importing`
validates an HTCDS file cell by cell and creates or updates cases, all or nothing.
"""
