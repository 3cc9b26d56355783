"""The words a demo book is made of: names, businesses, needs, notes, and how often
each lead source turns up."""

FIRST = (
    "Ana Ben Carla Dev Elena Farid Grace Hugo Ines Jamal Kira Liam Mona Nikhil Olga Pablo "
    "Quinn Rosa Sam Tara Umar Vera Wes Xenia Yusuf Zoe Amir Bea Cole Dana Emil Fay Gus Hana "
    "Ivan Jade Kofi Lena Milo Nora Otto Priya Raul Sofia Theo Uma Victor Wendy"
).split()
LAST = (
    "Abbott Baker Chen Diaz Evans Fischer Garcia Haddad Ito Jensen Kim Lopez Moreau Novak "
    "Okafor Patel Quist Rossi Silva Tanaka Ueda Vargas Weber Xu Young Zimmer Brandt Costa "
    "Duarte Eriksen Fontaine Gallo Holm Ibarra Joshi Kowalski Larsen Mendes Nilsen Ortiz"
).split()
BUSINESS = (
    "Bakery Studio Dental Garage Florist Cafe Yoga Print Roofing Law Design Vet Salon "
    "Plumbing Books Gym Pottery Tailor Optics Brewing"
).split()
SUFFIX = ("Co", "& Sons", "Ltd", "Group", "Works", "House", "Collective", "")
NEEDS = (
    "Monthly bookkeeping",
    "Year-end accounts",
    "Payroll set-up",
    "Tax return",
    "VAT registration",
    "Cash-flow review",
    "Catch-up books",
    "Advisory retainer",
)
PARTNER_CATEGORIES = ("accountant", "realtor", "lawyer", "banker", "insurance", "designer")
LOST_REASONS = ("Went with a cheaper firm", "No budget this year", "Went quiet", "Not a fit")
TOUCH_NOTES = {
    "call": ("Intro call", "Discussed scope", "Left voicemail", "Walked through pricing"),
    "email": ("Sent proposal", "Sent follow-up", "Shared checklist", "Answered questions"),
    "meeting": ("Coffee meeting", "Site visit", "Review meeting"),
    "message": ("Quick check-in", "Sent reminder"),
    "note": ("Prefers mornings", "Decision after board meeting"),
}
NEXT_ACTIONS = ("Call back", "Send proposal", "Chase signature", "Book meeting", "Check in")
STAY_HOURS = {"new": (6, 24 * 6), "contacted": (24, 24 * 14), "proposal": (24 * 5, 24 * 45)}
"""How long a lead waits in a stage before moving on: proposals are where deals stall."""
SOURCE_WEIGHTS = {
    "referral": 26,
    "website": 24,
    "advertising": 12,
    "event": 10,
    "pr": 5,
    "social": 13,
    "cold outreach": 7,
    "other": 3,
}
