"""Regions of origin, as the survey groups nationalities (UN M49 continents, Europe and Africa split).

>>> region_of("NGA"), region_of("ROU"), region_of("ALB"), region_of("MAR"), region_of("FRA")
('africa_subsaharan', 'europe_eu', 'europe_other', 'africa_north', 'france')
"""

REGION_LABELS = {
    "france": "France",
    "europe_eu": "Union européenne (hors France)",
    "europe_other": "Europe hors Union européenne",
    "africa_north": "Afrique du Nord",
    "africa_subsaharan": "Afrique subsaharienne",
    "americas": "Amériques",
    "asia": "Asie et Moyen-Orient",
    "oceania": "Océanie",
    "unknown": "inconnue",
}

_MEMBERS = {
    "france": "FRA",
    "europe_eu": (
        "AUT BEL BGR HRV CYP CZE DNK EST FIN DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK SVN ESP SWE"
    ),
    "europe_other": (
        "ALB AND ARM AZE BLR BIH FRO GEO GIB GGY ISL IMN JEY XKX LIE MDA MCO MNE MKD NOR RUS SMR SRB CHE"
        " TUR UKR GBR VAT ALA SJM"
    ),
    "africa_north": "DZA EGY LBY MAR TUN SDN ESH",
    "africa_subsaharan": (
        "AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COG COD CIV DJI GNQ ERI SWZ ETH GAB GMB GHA GIN GNB KEN"
        " LSO LBR MDG MWI MLI MRT MUS MYT MOZ NAM NER NGA REU RWA SHN STP SEN SYC SLE SOM ZAF SSD TGO UGA"
        " TZA ZMB ZWE IOT ATF"
    ),
    "americas": (
        "AIA ATG ARG ABW BHS BRB BLZ BMU BOL BES BRA CAN CYM CHL COL CRI CUB CUW DMA DOM ECU SLV FLK GUF"
        " GRL GRD GLP GTM GUY HTI HND JAM MTQ MEX MSR NIC PAN PRY PER PRI BLM KNA LCA MAF SPM VCT SXM SUR"
        " TTO TCA USA URY VEN VGB VIR SGS BVT UMI"
    ),
    "asia": (
        "AFG BHR BGD BTN BRN KHM CHN HKG MAC IND IDN IRN IRQ ISR JPN JOR KAZ PRK KOR KWT KGZ LAO LBN MYS"
        " MDV MNG MMR NPL OMN PAK PSE PHL QAT SAU SGP LKA SYR TWN TJK THA TLS TKM ARE UZB VNM YEM"
    ),
    "oceania": (
        "ASM AUS COK FJI PYF GUM KIR MHL FSM NRU NCL NZL NIU NFK MNP PLW PNG PCN WSM SLB TKL TON TUV VUT"
        " WLF CXR CCK HMD"
    ),
}

_REGION_OF = {code: region for region, codes in _MEMBERS.items() for code in codes.split()}


def region_of(nationality: str) -> str:
    """Return the region code of an ISO 3166-1 alpha-3 nationality, or « unknown »."""
    return _REGION_OF.get(nationality.upper(), "unknown")
