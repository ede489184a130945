"""Small embedded word lists for the synthetic archives (bench/generate.py).

Every name here is invented by combination; none is meant to be a real person, organization or
place. The lists are kept free of overlaps the generator relies on: no surname is also a first
name, a place stem or an organization word, so a lone surname in a body is unambiguous.
"""

# ruff: noqa: SIM905 (word lists are easier to read and edit as text)

FIRST_NAMES = """
Aaron Abigail Adaeze Adrian Aisha Alan Alejandro Alice Amara Amelia Ana Andrea Andrew Anika
Anton Arjun Astrid Audrey Beatriz Benedict Bianca Bogdan Brenda Bruno Camille Carla Carmen
Caroline Cecilia Chiara Chloe Connor Cristina Damian Daniel Daria Deborah Declan Delphine Derek
Diego Dmitri Dolores Eamon Edith Eduardo Elena Elif Eliza Emeka Emil Emma Esther Fatima Felix
Fernanda Fiona Florian Francesca Gabriel Gemma Georgia Gideon Gloria Grace Greta Hamid Hana Hannah
Hector Helena Hugo Ibrahim Ines Ingrid Irene Isaac Ivan Jacob Jamal Janet Javier Jonah Jorge
Joseph Julia Kamala Karim Katarzyna Keiko Kenji Khalid Laila Lars Laura Leah Leon Liam Lina Lucia
Luis Magnus Malik Marcus Margaret Maria Marta Mateo Maya Mehmet Mei Miriam Nadia Naomi Nikhil
Nina Noah Olga Oliver Omar Oscar Pablo Patrick Paula Pedro Petra Priya Rafael Rania Rebecca
Renata Rosa Ruth Samir Samuel Sara Sebastian Selin Simone Sofia Stefan Tamar Teresa Theo Thomas
Tobias Tomasz Ursula Valentina Vera Victor Wanda Wei Yara Yusuf Zainab Zoe
""".split()

SURNAMES = """
Abernathy Achebe Adeyemi Albrecht Alvarado Amundsen Andersson Antonelli Arbuthnot Arslan Ashdown
Azevedo Babangida Bakshi Balogun Banerjee Barrientos Bauer Beaumont Bergstrom Bertrand Bhatt
Bianchi Blackwood Bogdanovic Bonnaire Brannigan Brennan Brodeur Bustamante Caldwell Calloway
Canavan Cardoso Carrasco Castellano Cavanagh Chakraborty Chaudhry Chen Chowdhury Cifuentes
Coleridge Connolly Corcoran Costa Cruickshank Dabrowski Dalgleish Danforth Dasgupta Delacroix
Demir Desrosiers Devlin Dimitrov Dobrev Donnelly Dubois Duchesne Dunleavy Echeverria Eklund
Elgin Emberley Engstrom Esposito Etherington Fairweather Falconer Farrokh Fenwick Ferreira
Fitzgerald Flanagan Fonseca Forsythe Fraser Fujimoto Gallagher Garrido Gashi Geraghty Giordano
Goldberg Gonzaga Gorski Greenhalgh Grimaldi Guerrero Gunawardena Haddad Halvorsen Hamdan
Hargreaves Hashemi Hawthorne Hendricks Herrera Hoffmann Holmberg Horvath Hussain Ibarra Ignatiev
Iqbal Iyer Jablonski Jankowski Jaramillo Jorgensen Kaminski Kapoor Karlsson Kavanagh Kazmi
Keating Kowalczyk Krishnan Kuznetsov Lachance Lafferty Larsen Lavigne Leclerc Lindqvist
Lombardi Lozano MacAllister Machado Mahlangu Malhotra Marchetti Markovic Martineau Mbeki
McCallister McGrath Medeiros Mendoza Mikkelsen Moreau Mukherjee Mulligan Nakamura Navarro
Nguyen Nikolaidis Novak Nwosu Obradovic Ochoa Odhiambo Okafor Okonkwo Olabode Ortega Osei
Ostrowski Pacheco Palmieri Papadakis Pasternak Pellegrini Petrovic Pham Pienaar Quaresma
Quigley Rahman Ramaswamy Raman Rasmussen Reinholt Rinaldi Rodrigues Romanov Rosenthal Rousseau
Sabatini Salazar Santangelo Sarkar Schreiber Sepulveda Shapiro Sharma Sheridan Sigurdsson
Silvestri Sokolov Solberg Somerville Stavros Strickland Sutherland Szabo Takahashi Tanaka
Tavares Thorvaldsen Toivonen Trevisan Tsang Uchenna Underhill Urquhart Valdivia Vasquez
Venkatesh Verhoeven Villanueva Vukovic Wachowski Wainwright Weatherby Whitlock Wickramasinghe
Wojcik Wolanski Yamamoto Yilmaz Yoshida Zamora Zapata Zielinski Zimmerman Zubiri
""".split()

#: Place names are a stem and an ending, sometimes with a qualifier ("Port Halden").
PLACE_STEMS = """
Ald Amber Bram Brook Carrow Cray Dun Elm Fair Fern Glen Gras Hal Harrow Holl Ivy Kel Kings
Lang Lark Lin Mar Mere Nor Oak Pen Quen Ray Red Rush Sal Stan Tam Thorn Ul Vale Wes Whit Wynd
Yar
""".split()
PLACE_ENDINGS = """
den ford bury ton wick field haven mouth dale stead by ham ley worth port minster combe gate
well mere
""".split()
PLACE_QUALIFIERS = ["", "", "", "Port ", "North ", "South ", "East ", "West ", "Lake ", "New "]

#: Organizations are a stem, a field and a form ("Bluewater Energy Cooperative").
ORG_STEMS = """
Allied Anchor Beacon Bluewater Cardinal Cedar Citadel Clearwater Coastal Compass Consolidated
Crescent Crown Evergreen Frontier Granite Harbor Heritage Highland Horizon Ironbridge Keystone
Lantern Liberty Meridian Northgate Orchard Pinnacle Prairie Riverside Sentinel Silverline
Summit Tidewater Trinity Unity Vanguard Watershed Westward
""".split()
ORG_FIELDS = """
Energy Transit Mutual Health Logistics Media Water Steel Grain Software Housing Shipping
Insurance Textile Telecom Aviation Pharmaceutical Agricultural Freight Savings
""".split()
ORG_FORMS = """
Group Corporation Authority Company Partners Holdings Trust Cooperative Council Institute
Foundation Association Alliance Workers' Union Federation Board
""".replace("Workers' Union", "Workers'_Union").split()
ORG_FORMS = [f.replace("_", " ") for f in ORG_FORMS]

ROLES = [
    "a spokesperson",
    "the chief executive",
    "a board member",
    "the chair",
    "a senior analyst",
    "the treasurer",
    "a union steward",
    "a policy adviser",
    "the director of operations",
    "a lawyer",
    "a former deputy director",
    "the head of communications",
]

TOPICS = {
    "transit": ("bus network", "fare increase", "rail extension", "depot", "timetable"),
    "housing": ("rent freeze", "housing plan", "rezoning proposal", "tenant registry", "tower"),
    "budget": ("budget", "spending review", "bond issue", "tax levy", "audit"),
    "schools": ("school merger", "teacher contract", "curriculum review", "campus", "enrolment"),
    "health": ("hospital wing", "clinic closure", "staffing plan", "ambulance contract", "ward"),
    "harbor": ("harbor dredging", "ferry service", "pier", "shipping lane", "dock lease"),
    "energy": ("wind farm", "power plant", "grid upgrade", "solar project", "pipeline"),
    "water": ("water treatment plant", "reservoir", "flood barrier", "sewer upgrade", "levee"),
    "policing": ("policing review", "station", "oversight board", "patrol plan", "inquiry"),
    "elections": ("ballot measure", "recount", "campaign", "turnout drive", "debate"),
    "parks": ("park renovation", "playground", "trail network", "greenway", "festival"),
    "industry": ("factory expansion", "plant closure", "trade deal", "warehouse", "merger"),
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
