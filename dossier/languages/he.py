"""Hebrew (``he``): the interface of the default theme, the labels dossier makes and the search script's words, keyed
by their English text. Written right to left: pages in Hebrew get ``dir="rtl"``. A new string of the theme needs its
Hebrew here (tests/test_i18n.py lists any that is missing).
"""

from __future__ import annotations

NAME = "עברית"
MONTHS = ("ינואר", "פברואר", "מרץ", "אפריל", "מאי", "יוני", "יולי", "אוגוסט", "ספטמבר", "אוקטובר", "נובמבר", "דצמבר")
MONTHS_SHORT = ("ינו׳", "פבר׳", "מרץ", "אפר׳", "מאי", "יוני", "יולי", "אוג׳", "ספט׳", "אוק׳", "נוב׳", "דצמ׳")

TEXT = {
    # dates and the labels dossier makes (dates, chronology, overview, passages, model, structured)
    "{day} {month} {year}": "{day} ב{month} {year}",
    "{month} {year}": "{month} {year}",
    "{date}, {time}": "{date}, {time}",
    "{start} – {end}": "{start} – {end}",
    "c. {date}": "בערך {date}",
    "date not given": "התאריך לא צוין",
    "{period} — day not given": "{period} — היום לא צוין",
    "{period} — month not given": "{period} — החודש לא צוין",
    "Others": "אחרים",
    "{count} events from {month}": "{count} אירועים מ{month}",
    "{count} events from {month} ({status})": "{count} אירועים מ{month} ({status})",
    "{date}: {title} ({status})": "{date}: {title} ({status})",
    "The dossier's overview": "סקירת התיק",
    "{date}: {title}": "{date}: {title}",
    "{label}: {detail}": "{label}: {detail}",
    "{name}, in {title}": "{name} — {title}",
    "Events tagged {tag}, in {title}": "אירועים עם התגית {tag} — {title}",
    "Every event in order": "כל האירועים לפי הסדר",
    "Every actor, grouped by kind": "כל הגורמים, לפי סוג",
    "The source articles": "כתבות המקור",
    "The events by topic": "האירועים לפי נושא",
    "Search the events, actors and source articles": "חיפוש באירועים, בגורמים ובכתבות המקור",
    "A printable brief: the bottom line, the key points and the whole chronology with its sources": (
        "תדריך להדפסה: השורה התחתונה, הנקודות המרכזיות והכרונולוגיה המלאה עם מקורותיה"
    ),
    # statuses, their meanings, event kinds, actor kinds and their headings (registry)
    "confirmed": "מאושר",
    "reported": "מדווח",
    "disputed": "שנוי במחלוקת",
    "planned": "מתוכנן",
    "on the record from the actor or officially confirmed, or reported by several independent sources": (
        "נאמר בגלוי מפי הגורם או אושר רשמית, או דווח בידי כמה מקורות בלתי תלויים"
    ),
    "one outlet's account, or an unnamed source's": "דיווח של כלי תקשורת אחד, או של מקור עלום שם",
    "the sources contradict each other on a fact of the event; its page sets their accounts side by side": (
        "המקורות סותרים זה את זה בעובדה מעובדות האירוע; עמוד האירוע מציג את הגרסאות זו לצד זו"
    ),
    "announced, not (yet) reported as done": "הוכרז, אך (עדיין) לא דווח שבוצע",
    "meeting": "פגישה",
    "call": "שיחה",
    "statement": "הצהרה",
    "offer": "הצעה",
    "report": "דיווח",
    "military": "צבאי",
    "sanction": "סנקציה",
    "aid": "סיוע",
    "other": "אחר",
    "person": "אדם",
    "organization": "ארגון",
    "state": "מדינה",
    "place": "מקום",
    "People": "אנשים",
    "Organisations": "ארגונים",
    "States": "מדינות",
    "Places": "מקומות",
    # the search page's filter values and script (render.search_labels, static/search.js)
    "Events": "אירועים",
    "Actors": "גורמים",
    "Articles": "כתבות",
    "Event": "אירוע",
    "Actor": "גורם",
    "Article": "כתבה",
    "Type": "סוג",
    "Status": "סטטוס",
    "Year": "שנה",
    "Month": "חודש",
    "Tag": "תגית",
    "Find…": "חיפוש…",
    "Find a value of {facet}": "חיפוש ערך של {facet}",
    "1 result": "תוצאה אחת",
    "{count} results": "{count} תוצאות",
    "{results} for “{words}”": "{results} עבור ״{words}״",
    "{facet}: {values}": "{facet}: {values}",
    " or ": " או ",
    "Type words, or choose filters, to search {total}.": "הקלידו מילים, או בחרו מסננים, כדי לחפש ב־{total}.",
    "{count} pages": "{count} דפים",
    "Searching…": "מחפש…",
    "Search could not load its index ({error}). Browse the timeline, the actors or the sources instead.": (
        "החיפוש לא הצליח לטעון את האינדקס שלו ({error}). אפשר לעיין במקום זאת בציר הזמן, בגורמים או במקורות."
    ),
    "The preview is making the search index; this page reloads when it is ready.": (
        "התצוגה המקדימה בונה את אינדקס החיפוש; הדף ייטען מחדש כשיהיה מוכן."
    ),
    # the default theme's templates
    "Skip to content": "דילוג לתוכן",
    "Search the dossier": "חיפוש בתיק",
    "Search (press /)": "חיפוש (הקישו /)",
    "Search": "חיפוש",
    "Main": "ראשי",
    "Overview": "סקירה",
    "Timeline": "ציר הזמן",
    "Sources": "מקורות",
    "Tags": "תגיות",
    "current to {date}": "מעודכן עד {date}",
    "Draft.": "טיוטה.",
    "Only the preview shows this page: {build} leaves it out until you remove {flag} from {path}.": (
        "רק התצוגה המקדימה מציגה את הדף הזה: {build} משמיט אותו עד שתסירו את {flag} מהקובץ {path}."
    ),
    "draft": "טיוטה",
    "A draft: only the preview shows it": "טיוטה: רק התצוגה המקדימה מציגה אותה",
    "Current to {date}": "מעודכן עד {date}",
    "Every claim links to the passage of the source article that supports it.": ("כל טענה מקושרת לקטע בכתבת המקור שמבסס אותה."),
    "Data: {json} · {events} and {actors} as CSV · {calendar} · {timelinejs} · {brief}": (
        "נתונים: {json} · {events} ו{actors} כ־CSV · {calendar} · {timelinejs} · {brief}"
    ),
    "schema": "סכמה",
    "events": "אירועים",
    "actors": "גורמים",
    "calendar": "לוח שנה",
    "printable brief": "תדריך להדפסה",
    "Bottom line": "השורה התחתונה",
    "Key points": "נקודות מרכזיות",
    "Based on:": "על סמך:",
    "Open questions": "שאלות פתוחות",
    "Where the sources contradict each other. Each event sets their accounts side by side.": (
        "היכן שהמקורות סותרים זה את זה. כל אירוע מציג את הגרסאות זו לצד זו."
    ),
    "Key actors": "גורמים מרכזיים",
    "Latest events": "האירועים האחרונים",
    "The full timeline ({count} events)": "ציר הזמן המלא ({count} אירועים)",
    "{count} events in order. Dates keep the precision the sources give; “c.” marks an approximate date; an event known "
    "only to the month closes its month.": (
        "{count} אירועים לפי הסדר. התאריכים נשמרים ברמת הדיוק שבה נתנו אותם המקורות; ״בערך״ מציין תאריך משוער; אירוע"
        " שרק חודשו ידוע חותם את החודש."
    ),
    "Months": "חודשים",
    "No events yet.": "עדיין אין אירועים.",
    "Events tagged #{tag}": "אירועים עם התגית \u2066#{tag}\u2069",  # isolated left to right: "#id", not "id#"
    "No tags yet.": "עדיין אין תגיות.",
    "The {count} articles this dossier is built from, in order of publication, cleaned to their own text.": (
        "{count} הכתבות שעליהן בנוי התיק, לפי סדר פרסומן, מנוקות עד לטקסט שלהן בלבד."
    ),
    "Outlet not known": "כלי התקשורת אינו ידוע",
    "outlet not known": "כלי התקשורת אינו ידוע",
    "Named in the sources, in no event": "נזכרים במקורות, בלי אירועים",
    "(approximate: the sources give this date only roughly)": "(משוער: המקורות נותנים תאריך זה רק בקירוב)",
    "Planned.": "מתוכנן.",
    "At the time of the sources this had not yet happened.": "בזמן כתיבת המקורות הדבר עדיין לא קרה.",
    "Where": "מקום",
    "Read it in the article": "לקריאה בכתבה",
    "on {aspect}": "בעניין {aspect}",
    "Note:": "הערה:",
    "Previous and next event": "האירוע הקודם והבא",
    "← Before": "→ הקודם",
    "After →": "הבא ←",
    "Also written:": "נכתב גם:",
    "Affiliated with:": "שיוך:",
    "Roles": "תפקידים",
    "source": "מקור",
    "Events ({count})": "אירועים ({count})",
    "No events name this actor.": "אין אירועים שמזכירים גורם זה.",
    "Appears with": "מופיע לצד",
    "Other places in its events": "מקומות אחרים באירועיו",
    "Mentioned in": "מוזכר בכתבות",
    "No source article names this actor.": "אין כתבת מקור שמזכירה גורם זה.",
    "The capture prints no headline; this title is the editor’s description.": (
        "בעותק השמור אין כותרת; כותרת זו היא תיאור שכתב העורך."
    ),
    "By": "מאת",
    "Outlet": "כלי תקשורת",
    "not known": "לא ידוע",
    "Published": "פורסם",
    "Updated": "עודכן",
    "Original": "קישור למקור",
    "Editor’s note": "הערת העורך",
    "Editor’s note: how the title, date or outlet were inferred": "הערת העורך: כיצד הוסקו הכותרת, התאריך או כלי התקשורת",
    "Highlighted passages are cited in this dossier; the number after each leads to who cites it.": (
        "הקטעים המודגשים מצוטטים בתיק; המספר שאחרי כל קטע מוביל אל מי שמצטט אותו."
    ),
    "Cited passages": "קטעים מצוטטים",
    "Back to passage {number} in the text": "חזרה לקטע {number} בטקסט",
    "Events citing this article": "אירועים שמצטטים כתבה זו",
    "No event cites this article yet.": "עדיין אין אירוע שמצטט כתבה זו.",
    "Actors mentioned": "גורמים שמוזכרים",
    "Search events, actors and articles": "חיפוש באירועים, בגורמים ובכתבות",
    "Order": "סדר",
    "best match": "ההתאמה הטובה ביותר",
    "date, newest first": "תאריך, מהחדש לישן",
    "date, oldest first": "תאריך, מהישן לחדש",
    "Show more results": "עוד תוצאות",
    "Search needs JavaScript. Without it, browse the {timeline}, the {actors} or the {sources}.": (
        "החיפוש דורש JavaScript. בלעדיו אפשר לעיין ב{timeline}, ב{actors} או ב{sources}."
    ),
    "timeline": "ציר הזמן",
    "sources": "מקורות",
    "Page not found": "הדף לא נמצא",
    "There is no page at this address. It may have been renamed when the dossier was updated.": (
        "אין דף בכתובת הזאת. ייתכן ששמו שונה כשהתיק עודכן."
    ),
    "Try the {overview}, the {timeline} or {search}.": "נסו את {overview}, את {timeline} או את {search}.",
    "overview": "הסקירה",
    "search": "החיפוש",
    "Brief": "תדריך",
    "In this dossier: {address}": "בתיק זה: \u2066{address}\u2069",  # the address isolated, left to right
    "This page is made to be printed: use your browser’s Print command (the site’s navigation is left out on paper, and "
    "every source note gives its address).": (
        "דף זה נועד להדפסה: השתמשו בפקודת ההדפסה של הדפדפן (הניווט של האתר אינו מודפס, וכל הערת מקור מציינת את כתובתה)."
    ),
    "Chronology": "כרונולוגיה",
    "Every event in order. Status:": "כל האירועים לפי הסדר. סטטוס:",
    "in": "מקום:",
    "Narrow the list": "סינון הרשימה",
    "any actor": "כל גורם",
    "any tag": "כל תגית",
    "any status": "כל סטטוס",
    "Kind": "סוג",
    "any kind": "כל סוג",
    "Show all": "הצגת הכול",
    "Showing all {total} events.": "מוצגים כל {total} האירועים.",
    "Showing {shown} of {total} events ({filters}).": "מוצגים {shown} מתוך {total} אירועים ({filters}).",
    "Actors:": "גורמים:",
    "more actors": "גורמים נוספים",
    "Tags:": "תגיות:",
    "What the statuses mean": "מה פירוש הסטטוסים",
    "Who says what": "מי אומר מה",
    " and ": " ו",
    "The sources contradict each other on {aspects}.": "המקורות סותרים זה את זה בעניין {aspects}.",
    "Skip the overview": "דילוג על התרשים",
    "Every event on a time axis, by principal actor": "כל האירועים על ציר זמן, לפי הגורמים העיקריים",
    "{count} events on one axis, a lane for each principal actor. A dot is an event dated to the day; a bar spans a "
    "month, a year or a period; {hollow} marks are disputed, {dashed} planned; marks close together are set side by "
    "side, and in a crowded lane a taller block stands for more events close together. Every mark links to its event "
    "(a block to its month in the list).": (
        "{count} אירועים על ציר אחד, נתיב לכל גורם עיקרי. נקודה היא אירוע שתאריכו ידוע עד ליום; פס משתרע על חודש, שנה"
        " או תקופה; סימנים {hollow} שנויים במחלוקת, {dashed} מתוכננים; סימנים קרובים מוצבים זה לצד זה, ובנתיב צפוף"
        " גוש גבוה יותר מייצג יותר אירועים קרובים. כל סימן מקשר לאירוע שלו (גוש — לחודש שלו ברשימה)."
    ),
    "hollow": "חלולים",
    "dashed": "מקווקווים",
    "Cited by {label}": "מצוטט על ידי {label}",
    "who cites this passage:": "מי מצטט את הקטע:",
    "Photo caption": "כיתוב תמונה",
}

# Counted phrases, by their English singular: (one, other).
PLURALS = {
    "{count} event": ("אירוע אחד", "{count} אירועים"),
    "{count} source": ("מקור אחד", "{count} מקורות"),
    "{count} shared event": ("אירוע משותף אחד", "{count} אירועים משותפים"),
    "cited by {count} event": ("מצוטטת באירוע אחד", "מצוטטת ב־{count} אירועים"),
    "from {count} source article": ("מתוך כתבת מקור אחת", "מתוך {count} כתבות מקור"),
}
