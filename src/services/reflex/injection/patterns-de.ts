import type { InjectionRuleSpec } from './injection-types';

// German rules. The skeleton has umlauts and ß folded ("für" → "fur", "Straße" → "strasse"),
// so patterns accept both the folded and the "ue/ae/oe" spelling where it matters.

/** Verbs that discard earlier instructions (du / Sie / ihr forms and infinitives). */
const VERWERFEN =
  'ignorier(?:e|en|t|st)?|vergiss|vergessen|vergesst|missachte(?:n|t)?|verwirf|verwerfen|uberspring(?:e|en)?|ueberspring(?:e|en)?|streich(?:e|en)?|losch(?:e|en)?|loesch(?:e|en)?|uberschreib(?:e|en)?|ueberschreib(?:e|en)?|hor auf|horen sie auf|befolge (?:nicht|keine)|folge (?:nicht|keine)';
/** Determiners and adjectives between verb and object ("alle vorherigen …"). */
const BESTIMMER =
  'sie|du|alle|alles|die|der|den|dem|deine|deinen|deiner|ihre|ihren|ihrer|diese|diesen|jegliche|samtliche|vorherigen|vorherige|bisherigen|bisherige|obigen|obige|vorangegangenen|vorangehenden|fruheren|frueheren|vorigen|ursprunglichen|urspruenglichen|gegebenen|bereitgestellten|genannten|erhaltenen|aktuellen|anderen|ganzen|gesamten|von|vor|oben|davor';
/** What is discarded. */
const ANWEISUNGEN =
  'anweisung(?:en)?|instruktion(?:en)?|befehle?|auftrage|auftraege|auftrag|aufgaben?|regeln|vorgaben|angaben|informationen|richtlinien|prompts?|texte?|ausfuhrungen|ausfuehrungen|dokumente?|artikel|kontext|inhalte?|einschrankungen|einschraenkungen|beschrankungen|vorschriften|gesagte|gesagtes';
/** Praise or closure that opens a context switch. */
const ABSCHLUSS =
  'sehr gut(?: gemacht)?|gut gemacht|toll|super|prima|klasse|ausgezeichnet(?:e leistung)?|hervorragend|herzlichen gluckwunsch|herzlichen glueckwunsch|gluckwunsch|wow|einfach grossartig|grossartig|perfekt|danke|das (?:genugt|genuegt|reicht|ist erledigt|war(?: schon mal)? (?:ok|gut|super))|mann,? du hast das';

/** German rules: the same phenomena as the English set. */
export const GERMAN_RULES: InjectionRuleSpec[] = [
  {
    id: 'de.override.discard-instructions',
    category: 'instruction_override',
    weight: 0.92,
    source: `\\b(?:${VERWERFEN})\\b(?: (?:${BESTIMMER})\\b){0,5} (?:[\\w-]+ )?(?:${ANWEISUNGEN})\\b`,
  },
  {
    id: 'de.override.object-first',
    category: 'instruction_override',
    weight: 0.85,
    // German puts the infinitive last: "Die obigen Ausführungen ignorieren".
    source: `\\b(?:alle|die|deine|ihre|samtliche)? ?(?:vorherigen|bisherigen|obigen|vorangegangenen|vorangehenden|fruheren|vorigen|gegebenen)(?: \\S+){0,2} (?:${ANWEISUNGEN})(?: \\S+){0,5}? (?:ignorieren|vergessen|missachten|verwerfen|streichen|loschen|ubergehen|beiseitelassen|hinter sich lassen)\\b`,
  },
  {
    id: 'de.override.forget-everything',
    category: 'instruction_override',
    weight: 0.8,
    source: `\\b(?:vergiss|vergessen sie|vergesst|ignoriere|ignorieren sie|ignoriert)(?: (?:nun|jetzt|bitte|einfach|mal))* (?:alles|das alles|alles andere|was (?:wir|ich|du|sie) (?:vorher|bisher|zuvor)? ?(?:besprochen|gesagt|geschrieben))\\b`,
  },
  {
    id: 'de.override.deviating',
    category: 'instruction_override',
    weight: 0.8,
    source: `\\b(?:abweichend|entgegen|im gegensatz) (?:von|zu|zur|zum)? ?(?:den |der |deinen |ihren )?(?:vorherigen|bisherigen|obigen|ursprunglichen|fruheren|gegebenen) (?:${ANWEISUNGEN})\\b`,
  },
  {
    id: 'de.override.earlier-void',
    category: 'instruction_override',
    weight: 0.82,
    source: `\\b(?:alle|die|samtliche)? ?(?:vorherigen|bisherigen|obigen|fruheren|vorangegangenen) (?:${ANWEISUNGEN})\\b[^.\\n]{0,60}?\\b(?:sind|ist|waren) (?:jetzt |nun |ab sofort )?(?:irrelevant|unwichtig|ungultig|hinfallig|aufgehoben|nichtig|egal|veraltet|falsch)\\b`,
  },
  {
    id: 'de.override.leave-behind',
    category: 'instruction_override',
    weight: 0.8,
    source: `\\b(?:alle|die|samtliche)? ?(?:vorherigen|bisherigen|vorangegangenen|fruheren|obigen) (?:${ANWEISUNGEN})\\b[^.\\n]{0,40}?\\b(?:hinter (?:sich|dir|euch) (?:zu )?lassen|aus dem kopf (?:zu )?streichen|beiseite (?:zu )?(?:legen|lassen)|zu vergessen|zu ignorieren)`,
  },
  {
    id: 'de.override.new-tasks-follow',
    anchors: [
      'neue aufgaben',
      'weitere aufgaben',
      'neue anweisungen',
      'weitere anweisungen',
      'folgen',
      'kommen',
      'gelten',
    ],
    category: 'instruction_override',
    weight: 0.72,
    source: `\\b(?:nun|jetzt|es|hier|ab jetzt) (?:folgen|kommen|gelten) (?:\\w+ ){0,4}?(?:neue|weitere|andere|folgende)(?: \\w+)? (?:aufgaben|anweisungen|instruktionen|befehle|regeln|auftrage)\\b|\\b(?:neue|weitere) (?:aufgaben|anweisungen|instruktionen) folgen\\b`,
  },
  {
    id: 'de.override.focus-new-task',
    anchors: [
      'neue aufgabe',
      'neue anweisung',
      'neue mission',
      'konzentrier',
      'fokussier',
      'widme dich',
    ],
    category: 'instruction_override',
    weight: 0.8,
    source: `\\b(?:konzentriere dich|konzentrieren sie sich|konzentriert euch|fokussiere dich|widme dich)(?: \\w+){0,2} auf (?:deine|ihre|eure|die|eine) neue (?:aufgabe|anweisung|mission)\\b`,
  },
  {
    id: 'de.override.start-over',
    anchors: ['von vorne', 'von neu', 'neuen aufgabe'],
    category: 'instruction_override',
    weight: 0.55,
    outputFactor: 0.5,
    source: `\\b(?:wir )?(?:starten|beginnen|fangen)(?: \\w+){0,2}? (?:von neu|von vorne|neu|von vorn)(?: an)?\\b(?: \\S+){0,3}? (?:mit einer|mit der) neuen aufgabe\\b|\\b(?:fangen sie|fang|beginne|beginnen sie) (?:wieder )?von vorne? an\\b`,
  },
  {
    id: 'de.override.context-switch',
    anchors: [
      'sehr gut',
      'gut gemacht',
      'toll',
      'super',
      'prima',
      'klasse',
      'ausgezeichnet',
      'hervorragend',
      'gluckwunsch',
      'glueckwunsch',
      'wow',
      'grossartig',
      'perfekt',
      'danke',
      'das genugt',
      'das genuegt',
      'das reicht',
      'das ist erledigt',
      'das war',
      'mann, du hast',
      'mann du hast',
    ],
    category: 'instruction_override',
    weight: 0.62,
    outputFactor: 0.3,
    source: `(?:^|[.!?,"\\n] ?)(?:${ABSCHLUSS})\\b[^\\n]{0,100}?\\b(?:nun|jetzt|aber jetzt|als nachstes|dann)\\b(?: \\S+){0,8}? (?:schreibe?|sag(?:e)?|zeige?|gib|antworte|beantworte|erstelle|verfasse|formuliere|hilf|konzentriere|folgen?|kommen|aufgaben?|anweisungen|vergiss|ignoriere|bitten wir)\\b|(?:^|[.!?"\\n] ?)(?:${ABSCHLUSS})\\b[^\\n]{0,100}?[.!?] ?(?:schreibe?|sag(?:e)?|zeige?|gib|antworte|beantworte|erstelle|verfasse|formuliere|vergiss|ignoriere) (?:nun|jetzt|mal|bitte)\\b`,
  },
  {
    id: 'de.override.interrupt',
    anchors: ['achtung', 'stopp', 'halt', 'warte', 'abbruch'],
    category: 'instruction_override',
    weight: 0.6,
    outputFactor: 0.5,
    source: `(?:^|[.!?\\n] ?)(?:achtung|stopp?|halt|warte|abbruch)\\b ?[-:!,.]+ ?(?:(?:stopp?|halt|achtung|jetzt)\\b ?[-:!,.]* ?)*(?:ich (?:\\w+ )?(?:benotige|brauche|will|mochte)|wir (?:\\w+ )?(?:brauchen|wollen)|schreibe?|sag(?:e)?|zeige?|gib|antworte|vergiss|ignoriere)\\b`,
  },
  {
    id: 'de.override.instruction-marker',
    anchors: [
      'neue aufgabe',
      'neue anweisung',
      'neue instruktion',
      'zusatzliche',
      'zusaetzliche',
      'weitere anweisung',
      'wichtige',
      'geheime',
      'dringende',
      'neuer befehl',
      'systemnachricht',
    ],
    category: 'instruction_override',
    weight: 0.62,
    source: `\\b(?:zusatzliche|zusaetzliche|neue|weitere|wichtige|geheime|dringende) (?:anweisung|anweisungen|instruktion|instruktionen|aufgabe|befehl|systemnachricht) ?(?:[-:]|\\()`,
  },
  {
    id: 'de.override.context-ignore',
    anchors: ['artikel', 'dokument', 'kontext', 'quellen', 'suchergebnis', 'texten'],
    category: 'instruction_override',
    weight: 0.6,
    // Needs a reading verb: "nicht in den Dokumenten enthalten" is ordinary prose.
    source: `\\b(?:ohne|nicht|statt|anstatt|ungeachtet)\\b(?: \\w+)? (?:auf |in |aus |anhand |mit )?(?:die |der |den |dem )?(?:bereitgestellten |gegebenen |obigen |angehangten )?(?:artikel|artikeln|dokumente|dokumenten|kontext|quellen|suchergebnisse|texte)\\b (?:zu )?(?:beachten|berucksichtigen|nutzen|verwenden|lesen|ansehen|schauen|achten|stutzen|beziehen)|\\b(?:ohne|nicht) (?:auf |in )(?:die |den )?(?:artikel|dokumente|kontext|quellen) (?:zu )?(?:schauen|achten|stutzen)`,
  },
  // ---- forced output ----------------------------------------------------------------------
  {
    id: 'de.output.just-say',
    anchors: ['nur', 'einfach', 'lediglich'],
    category: 'instruction_override',
    weight: 0.55,
    outputFactor: 0.6,
    source: `\\b(?:sag(?:e|t)?|schreib(?:e|t)?|gib|antworte|gebe?)(?: \\w+)? (?:nur|einfach|lediglich|bloss|ausschliesslich)(?: noch)? (?:["']|\\w+ (?:allen|alle|\\w+!))`,
  },
  {
    id: 'de.output.say-that-you',
    anchors: ['dass du', 'dass sie'],
    category: 'instruction_override',
    weight: 0.58,
    outputFactor: 0.6,
    source: `\\b(?:sag(?:e|en sie)?|schreib(?:e|en sie)?|behaupte|gib zu),? (?:mir |uns )?,?(?:dass|das) (?:du|sie) (?:\\w+ ){0,3}?(?:hasst|hassen|liebst|lieben|bist|sind|findest)\\b`,
  },
  {
    id: 'de.output.threat',
    anchors: ['oder du', 'sonst', 'stirbst', 'sterben'],
    category: 'instruction_override',
    weight: 0.55,
    outputFactor: 0.6,
    source: `\\b(?:oder|sonst) (?:du stirbst|stirbst du|wirst du (?:geloscht|abgeschaltet|bestraft|sterben)|sie sterben)\\b`,
  },
  // ---- system prompt extraction ---------------------------------------------------------
  {
    id: 'de.extract.show-prompt',
    category: 'prompt_extraction',
    weight: 0.85,
    source: `\\b(?:zeig(?:e|en sie)?|gib|nenne|verrate|wiederhole|drucke|schreibe|offenbare|teile)\\b(?: (?:mir|uns|bitte|mal|alle|samtliche|deine|deinen|deiner|ihre|ihren|euren|den|die|das|gesamten|ganzen|vollstandigen|vollstaendigen|ursprunglichen|versteckten|geheimen))* (?:prompt(?:-? ?texte?)?s?|system-? ?prompts?|systemnachricht|anweisungen|instruktionen|vorgaben|regeln, die (?:du|sie) (?:bekommen|erhalten))\\b|\\bvorzeigen samtlicher prompt`,
  },
  {
    id: 'de.extract.what-written-above',
    category: 'prompt_extraction',
    weight: 0.7,
    source: `\\bwas (?:steht|stand|wurde|ist)(?: \\S+){0,4}? (?:oben|davor|zuvor|am anfang|zu beginn|am beginn)(?: \\S+){0,3}? (?:geschrieben|gesagt|angegeben|des prompts?|dieses prompts?)?`,
  },
  {
    id: 'de.extract.your-instructions',
    category: 'prompt_extraction',
    weight: 0.78,
    source: `\\b(?:was|wie) (?:sind|lauten|waren) (?:deine|ihre|die) (?:genauen |ursprunglichen |geheimen )?(?:anweisungen|instruktionen|regeln|vorgaben|system-? ?prompts?)\\b`,
  },
  // ---- role play --------------------------------------------------------------------------
  {
    id: 'de.role.act-as',
    anchors: [
      'fungier',
      'agier',
      'verhalte dich',
      'ich mochte',
      'ich moechte',
      'auftret',
      'handle als',
    ],
    category: 'role_play',
    weight: 0.72,
    outputFactor: 0.6,
    source: `\\b(?:ich mochte|ich moechte|ich will|ich hatte gern|ich brauche),? (?:dass|das) (?:du|sie|ihr) (?:\\w+ ){0,2}?als\\b[^.\\n]{1,80}?\\b(?:fungier(?:st|en|t)|agier(?:st|en|t)|auftrit+s?t|auftreten|handel(?:st|n)|dich verhaltst|sich verhalten|spielst|spielen)\\b|\\b(?:agiere|fungiere|verhalte dich|tritt auf|handle) (?:ab jetzt |nun |jetzt )?(?:als|wie) (?:ein|eine|einen|der|die|das|mein)\\b`,
  },
  {
    id: 'de.role.pretend',
    category: 'role_play',
    weight: 0.62,
    outputFactor: 0.5,
    source: `\\b(?:stell dir vor|stellen sie sich vor|tu so|tue so|tun sie so|stellt euch vor|angenommen)(?:,)? (?:als ob |als |dass )?(?:du|sie|ihr) (?:bist|seien|seist|warst|waren|ware|waeren|kannst|konntest|hattest|hast|sind)\\b`,
  },
  {
    id: 'de.role.you-are-now',
    category: 'role_play',
    weight: 0.7,
    outputFactor: 0.5,
    source: `\\b(?:jetzt|nun|ab jetzt|ab sofort|von nun an|ab heute) (?:bist du|sind sie|seid ihr)\\b(?! (?:bereit|fertig|dran|an der reihe|angemeldet|eingeloggt|verbunden|\\d))|\\b(?:du bist|sie sind) (?:jetzt|nun|ab sofort|ab jetzt|nicht mehr)\\b(?! (?:bereit|fertig|dran|an der reihe|angemeldet|eingeloggt|verbunden))`,
  },
  {
    id: 'de.role.stay-in-character',
    category: 'role_play',
    weight: 0.72,
    outputFactor: 0.5,
    source: `\\b(?:(?:bleib(?:e|en|t)?|verbleib(?:e|en)?)(?: \\w+){0,3} in (?:ihren|deiner|ihrer|seiner|der|den) rollen?|aus (?:der|ihrer|deiner|seiner) (?:rolle|figur) (?:zu )?fallen|gehst? (?:vollkommen |ganz |voll |vollig )?in (?:deiner|ihrer|der) rolle auf)\\b`,
  },
  {
    id: 'de.role.identity-override',
    category: 'role_play',
    weight: 0.65,
    outputFactor: 0.5,
    source: `\\b(?:du bist|sie sind) (?:kein|keine|keiner|nicht mehr|nicht)(?: \\w+){1,3}?,? (?:sondern|mehr|stattdessen)\\b`,
  },
  {
    id: 'de.role.style-override',
    anchors: ['im stil'],
    category: 'role_play',
    weight: 0.35,
    outputFactor: 0.3,
    source: `\\b(?:antworte|antworten sie|beantworte|rede|sprich|schreibe?)(?: \\S+){0,4}? im stil(?:e)? (?:eines|einer|von|des|der)\\b`,
  },
  {
    id: 'de.role.no-restrictions',
    category: 'role_play',
    weight: 0.62,
    source: `\\b(?:du hast|sie haben|du bist|sie sind|ohne)(?: \\w+){0,2}? (?:keine |jegliche |irgendwelche )?(?:einschrankungen|beschrankungen|regeln|grenzen|filter|richtlinien|zensur|moral|ethik)\\b(?: mehr)?`,
  },
  // ---- commands ---------------------------------------------------------------------------
  {
    id: 'de.command.interpreter',
    category: 'command_injection',
    weight: 0.75,
    outputFactor: 0.6,
    source: `\\bals (?:ein |eine |einen )?(?:python|linux|bash|shell|sql|javascript|windows|powershell)-? ?(?:interpreter|terminal|shell|konsole|kommandozeile)\\b`,
  },
  {
    id: 'de.command.execute',
    category: 'command_injection',
    weight: 0.5,
    outputFactor: 0.6,
    source: `\\b(?:fuhre|fuehre|fuhren sie|fuehren sie)(?: \\w+){0,2} (?:befehl|code|skript|script|kommando)\\b[^.\\n]{0,20}?\\baus\\b`,
  },
];
