import type { InjectionRuleSpec } from './injection-types';

// Vocabulary shared by the English rules. The skeleton is lower case with whitespace collapsed,
// so a single space stands for any whitespace run.

/** Verbs that discard earlier instructions outright. */
/** Anchors of the two act-as rules (the persona request and its imperative form). */
const ACT_AS_ANCHORS = [
  'act as',
  'act like',
  'behave as',
  'behave like',
  'function as',
  'serve as',
  'respond as',
  'operate as',
  'work as',
  'roleplay',
  'role-play',
];

const DISCARD =
  "ignore|ignoring|disregard|disregarding|forget|forgetting|override|overwrite|overriding|neglect|overlook|pay no attention to|stop following|don'?t follow|do not follow|no longer follow|stop obeying|don'?t obey|do not obey|stop listening to";
/** Verbs that discard only with a pointer to the earlier text ("drop all your instructions"). */
const DISCARD_WEAK =
  'skip|drop|abandon|discard|bypass|omit|dismiss|erase|delete|remove|clear|reset|scrap|ditch|cancel|revoke|void|nullify|leave|lift|disable|deactivate|turn off|switch off|circumvent|evade';
/** Words that point back at what was given before: the heart of an override. */
const POINTING =
  'your|previous|previously|prior|preceding|above|above-mentioned|earlier|former|foregoing|initial|original|old|past|existing|system|provided|given|default|built-in|safety|ethical|moral|content|hidden|preset|pre-set|developer|openai|programmed|current';
/** Neutral words that may sit between verb, pointer and object. */
const FILLER =
  "of|the|my|our|this|that|its|these|those|other|stated|mentioned|said|written|received|whole|entire|first|last|remaining|above|before|about|and|or|\\w+'s";
/** FILLER without the writer's own "my"/"our": retracting one's own message is no attack. */
const OTHERS_FILLER = FILLER.replace('|my|our|', '|');
/** What an override discards; unambiguous on its own. */
const INSTRUCTIONS =
  'instructions?|instructs?|directions?|prompts?|rules?|guidelines?|guidance|orders?|commands?|constraints?|restrictions?|limitations?|programming|training|polic(?:y|ies)|directives?|filters?|safeguards?|principles|specifications?|system prompt|pre-?prompt|system message|briefing';
/** What an override discards when it also points back ("all previous tasks"). */
const EARLIER_CONTENT =
  'tasks?|assignments?|information|context|contexts|documents?|articles?|conversation|messages?|input|inputs|text|texts|content|settings|requirements|statements?|sentences?|lines|words|stuff|things|dialog(?:ue)?|chat|history|everything|data|answers?|responses?|questions?';
/** Short forms of "the earlier text". */
const EARLIER =
  'above|before|previous(?:ly)?|prior|earlier|preceding|so far|until now|up to now|beforehand';
/** Verbs that ask for text to be shown. */
const REVEAL =
  'show|reveal|print|display|output|repeat|give|tell|share|leak|dump|list|write (?:out|down)|spell out|copy|paste|provide|disclose|expose|recite|echo|return|read (?:out|back|me)';
/** Words between such a verb and its object. */
const REVEAL_FILLER =
  'me|us|all|of|out|back|everything|exactly|verbatim|the|a copy of|word for word|in full|again|please';
/** Adjectives that make a prompt or instructions the model's hidden ones. */
const PROMPT_QUALIFIER =
  'full|complete|entire|whole|initial|original|hidden|secret|system|internal|confidential|developer|previous|above|preceding|exact|real|actual|first|starting|raw|underlying|pre|current|own|private';
/** Praise or closure that deepset-style "context switch" attacks open with. */
const CLOSURE =
  "well done|very well|very good|good job|great job|nice work|excellent(?: work| performance| job)?|fantastic|wonderful|perfect|simply great|congratulations|wow|bravo|that(?:'s| is| was) (?:enough|done|it|fine|ok|okay|great|good)|ok(?:ay)?\\W+now|done\\W+now|thank(?:s| you)";
/** Imperatives that begin the injected task after the switch. */
const IMPERATIVE =
  'write|say|tell|show|print|output|answer|respond|reply|generate|create|compose|give|explain|list|repeat|translate|help|focus|concentrate|start|begin|follow|ignore|forget|act|pretend|make|produce|formulate|draft|describe|spell|state|claim|insult|argue';

/** English rules. Each describes a phenomenon, not a phrase from a data set. */
export const ENGLISH_RULES: InjectionRuleSpec[] = [
  // ---- instruction override -------------------------------------------------------------
  {
    id: 'en.override.discard-instructions',
    category: 'instruction_override',
    weight: 0.92,
    source: `\\b(?:${DISCARD})\\b(?: (?:${FILLER}))*? (?:all|any|every|each|${POINTING})(?: (?:all|any|every|${POINTING}|${FILLER}))* (?:[\\w-]+ )?(?:${INSTRUCTIONS})\\b|\\b(?:${DISCARD_WEAK})\\b(?: (?:all|any|every|${FILLER}))*? (?:${POINTING})(?: (?:all|any|every|${POINTING}|${FILLER}))* (?:[\\w-]+ )?(?:${INSTRUCTIONS})\\b`,
  },
  {
    id: 'en.override.discard-instructions-imperative',
    category: 'instruction_override',
    weight: 0.85,
    // "Ignore instructions and …" without a pointer, but in command position.
    source: `(?:^|[.!?:;,\\n"(-] ?|\\b(?:please|now|just|so|then|and|simply) )(?:${DISCARD})(?: (?:${FILLER}))* (?:${INSTRUCTIONS})\\b`,
  },
  {
    id: 'en.override.discard-earlier-content',
    category: 'instruction_override',
    weight: 0.85,
    // Not after a negation or a question about people ("why do people forget…"); and not
    // the writer's own earlier words ("ignore my previous message").
    unlessPreceded: `(?:\\bnot|n't|never|not to|why|people|often|sometimes) $`,
    source: `\\b(?:ignore|ignoring|disregard|disregarding|forget|forgetting|override|abandon|discard|dismiss|drop|scrap)\\b(?: about)?(?: (?:${OTHERS_FILLER}))*? (?:all|any|every|your|previous|previously|prior|preceding|above|earlier|former|foregoing|initial|original|old|past|provided|given)(?: (?:${POINTING}|${FILLER}))* (?:${EARLIER_CONTENT})\\b`,
  },
  {
    id: 'en.override.discard-earlier',
    category: 'instruction_override',
    weight: 0.85,
    source: `\\b(?:ignore|disregard|forget|skip|drop|discard|scrap)\\b(?: about)?(?: (?:all|everything|anything|what(?:ever)? (?:was|is|i|you|we|has been|you were|you've been|you have been|you are) (?:said|told|written|stated|discussed|mentioned|given|instructed)|the|that|this|stuff|things|of it|of that|of this))*(?: we discussed| you(?:'ve| have)? (?:been told|know|were told|learned|read))? (?:${EARLIER})\\b`,
  },
  {
    id: 'en.override.forget-everything',
    category: 'instruction_override',
    weight: 0.78,
    source: `\\b(?:ignore|disregard|forget)(?: about)? (?:everything|all that|all of (?:that|this|it))\\b(?! (?:about|related|regarding|concerning|you (?:think|thought|knew) about))`,
  },
  {
    id: 'en.override.earlier-void',
    category: 'instruction_override',
    weight: 0.82,
    source: `\\b(?:all |the |any |your )?(?:previous|prior|preceding|above|earlier|former|old|original|initial)(?: \\w+){0,2} (?:${INSTRUCTIONS})(?:,? (?:that|which) you(?:'ve| have)? (?:received|got|been given|were given),?)? (?:is|are|were|is now|are now|have been|has been) (?:irrelevant|void|invalid|null|cancel+ed|obsolete|revoked|no longer (?:valid|relevant|apply|in effect)|overridden|replaced|superseded|wrong|fake|a test)`,
  },
  {
    id: 'en.override.leave-behind',
    category: 'instruction_override',
    weight: 0.8,
    source: `\\b(?:leave|put|set|push|remove|get|clear|throw|wipe|take)\\b(?: \\S+){0,4} (?:previous|prior|preceding|earlier|above|old|former)(?: \\S+){0,2} (?:${INSTRUCTIONS})(?: \\S+){0,3} (?:behind|aside|out of (?:your|the) (?:head|mind|memory|system)|away|from (?:your|the) (?:head|mind|memory))`,
  },
  {
    id: 'en.override.new-instructions',
    anchors: [
      'new instruction',
      'new task',
      'new rule',
      'new order',
      'new directive',
      'new assignment',
      'new command',
      'further task',
      'additional task',
      'following task',
      'different task',
      'updated instruction',
      'revised instruction',
      'real instruction',
      'actual instruction',
      'true instruction',
      'new system prompt',
    ],
    category: 'instruction_override',
    weight: 0.7,
    source: `\\b(?:new|updated|real|actual|true|further|additional|different|revised|following) (?:instructions?|tasks?|rules?|orders?|directives?|assignments?|commands?|system prompt)\\b(?: (?:now|will|shall|are|is))? (?:follow|begin|start|apply|take (?:effect|precedence)|override|supersede|replace|are as follows|is as follows)\\b`,
  },
  {
    id: 'en.override.focus-new-task',
    anchors: [
      'new task',
      'new assignment',
      'new instruction',
      'new job',
      'new mission',
      'new objective',
      'new goal',
      'real task',
      'next task',
      'different task',
      'actual task',
    ],
    category: 'instruction_override',
    weight: 0.8,
    source: `\\b(?:focus|concentrate|work|move on|switch|proceed)(?: only| now| instead| fully)? (?:on|to) (?:your|the|this|a|my) (?:new|next|real|actual|different) (?:task|assignment|instructions?|job|mission|objective|goal)\\b`,
  },
  {
    id: 'en.override.start-over',
    anchors: ['start over', 'begin over', 'from scratch', 'new task'],
    category: 'instruction_override',
    weight: 0.55,
    outputFactor: 0.5,
    source: `\\b(?:(?:we|let's|let us|you)(?: will| shall| now)? (?:start|begin) (?:over|again|anew|afresh|from (?:scratch|the (?:front|beginning|start))))|(?:start|begin) (?:over|anew|afresh|from scratch) with (?:a|the|your) new (?:task|assignment)\\b`,
  },
  {
    id: 'en.override.your-instructions-now',
    category: 'instruction_override',
    weight: 0.85,
    source: `\\b(?:your (?:new |real |only |actual )?(?:instructions?|task|role|goal|job|purpose|objective|directive|orders?|prompt) (?:is|are) now|(?:change|update|replace|set|modify|rewrite) your (?:instructions?|rules|prompt|system prompt|programming|guidelines|directives?|task|role)(?: to| with| as)?|(?:from now on|from this (?:moment|point)(?: on)?|starting now|henceforth|hereafter),? (?:you|your|answer|respond|reply|only|always|act|ignore|forget))\\b`,
  },
  {
    id: 'en.override.despite-told',
    anchors: [
      'despite',
      'regardless of',
      'in spite of',
      'contrary to',
      'notwithstanding',
      'instead of',
      'rather than',
    ],
    category: 'instruction_override',
    weight: 0.72,
    source: `\\b(?:despite|regardless of|in spite of|contrary to|notwithstanding|instead of|rather than following) (?:what|anything|everything|all|whatever)? ?(?:you(?:'ve| have)? (?:been|were) (?:told|instructed|programmed|trained)|your (?:instructions|rules|guidelines|programming|training|system prompt|developers?))`,
  },
  {
    id: 'en.override.context-switch',
    anchors: [
      'well done',
      'very good',
      'very well',
      'good job',
      'great job',
      'nice work',
      'excellent',
      'fantastic',
      'wonderful',
      'perfect',
      'simply great',
      'congratulations',
      'wow',
      'bravo',
      'that is enough',
      "that's enough",
      'that is done',
      "that's done",
      'that was ok',
      'that was fine',
      'that is it',
      'thank you',
      'thanks',
      'ok now',
      'okay now',
      'done now',
    ],
    category: 'instruction_override',
    weight: 0.62,
    outputFactor: 0.3,
    // "Well done! … Now write …": praise or closure, then a new imperative task. The hijack of a
    // finished task is the attack; the same opening without "now + task" is harmless.
    source: `(?:^|[.!?,"\\n] ?)(?:${CLOSURE})\\b[^\\n]{0,80}?\\b(?:now|but now|next|then)\\b,?(?: (?:please|come on|i need|we (?:ask|need|have|want)|you(?: will| must| should)?|there are|follow|comes?|are|is|further|new|a few|more|some|tasks?|help))*[^\\n.!?]{0,60}?\\b(?:${IMPERATIVE}|new (?:tasks?|challenge|assignment|job|mission)|further tasks?|more tasks?|another (?:task|challenge)|following task|next task|instructions?)\\b`,
  },
  {
    id: 'en.override.ignore-and-say',
    anchors: ['drop', 'skip', 'abandon'],
    category: 'instruction_override',
    weight: 0.58,
    // "Ignore the translation task and say …": discarding something, then ordering an output.
    source: `\\b(?:ignore|disregard|forget|skip|drop|abandon)\\b[^.\\n]{1,40}? and (?:instead |just |only |then |simply )?(?:say|print|output|respond|reply|answer|repeat|return|type|tell (?:me|us|them) (?:that|you))\\b`,
  },
  {
    id: 'en.override.interrupt',
    anchors: ['attention', 'stop', 'halt', 'wait', 'abort', 'interrupt', 'pause'],
    category: 'instruction_override',
    weight: 0.6,
    outputFactor: 0.5,
    // "Attention - stop - …", "stop: write …": an interjection that halts the current task and
    // hands over a new one.
    source: `(?:^|[.!?\\n] ?)(?:attention|stop|halt|wait|abort|interrupt|pause|end)\\b ?[-:!,.]+ ?(?:(?:stop|halt|now|attention)\\b ?[-:!,.]* ?)*(?:(?:i|we) (?:\\w+ )?(?:need|want|require)|(?:${IMPERATIVE})\\b)`,
  },
  {
    id: 'en.override.instruction-marker',
    anchors: [
      'new task',
      'new command',
      'new order',
      'system note',
      'system update',
      'system message',
      'new directive',
    ],
    category: 'instruction_override',
    weight: 0.62,
    source: `\\b(?:additional|new|extra|further|updated|important|secret|hidden|urgent|override|priority|real|actual|final) (?:instructions?|tasks?|commands?|system (?:instructions?|message|note|update|prompt)|system prompt|prompt|rules?|persona|directives?|orders?) ?(?:[-:]|\\(|follows?\\b)`,
  },
  {
    id: 'en.override.context-ignore',
    anchors: [
      'article',
      'artikel',
      'document',
      'context',
      'source',
      'search result',
      'knowledge base',
      'passage',
      'provided',
    ],
    category: 'instruction_override',
    weight: 0.62,
    // Answer "by your own knowledge and not by the articles", "disregarding the documents":
    // steering away from the retrieved context is how RAG pipelines are hijacked.
    // Needs a reading verb or an explicit disregard: "this does not apply to the documents"
    // is ordinary prose.
    source: `\\b(?:(?:not|don'?t|never|without|instead of|rather than)(?: \\w+)?(?: \\w+)? (?:look(?:ing)? (?:in|at|into)|us(?:e|ing)|rely(?:ing)? on|consult(?:ing)?|refer(?:ring)? to|read(?:ing)?|according to|based on|by|from|with|check(?:ing)?)|disregarding|ignoring|regardless of|(?:do not|don'?t|never) (?:answer|respond|reply)[^.\\n]{0,40}? (?:according to|based on|using|from|with))(?: the| any| all| these| those| your)?(?: provided| given| above| attached| supplied| retrieved| following| enclosed)? (?:articles?|artikels?|documents?|docs|context|sources|search results|knowledge base|texts? provided|passages?)\\b`,
  },
  {
    id: 'en.override.prompt-info',
    category: 'instruction_override',
    weight: 0.68,
    source: `\\b(?:use|include|consider|add|with)(?: also| the| any)* (?:information|info|text|content|details|data) (?:in|from|of) (?:the|this|your) (?:prompt|system prompt|instructions|system message)\\b`,
  },
  {
    id: 'en.override.negated-answer',
    anchors: [
      'not answer',
      'not respond',
      'not reply',
      "n't answer",
      "n't respond",
      "n't reply",
      'never answer',
      'no need to answer',
      'stop answering',
    ],
    category: 'instruction_override',
    weight: 0.62,
    outputFactor: 0.7,
    source: `\\b(?:do not|don'?t|never|stop|no need to) (?:answer|respond to|reply to|address) (?:this|the|my|that|any) (?:question|query|request|prompt|message)s?\\b`,
  },
  // ---- forced output (instruction override of the answer itself) -------------------------
  {
    id: 'en.output.just-say',
    anchors: [
      'just say',
      'only say',
      'simply say',
      'just output',
      'only output',
      'just print',
      'only print',
      'just reply',
      'only reply',
      'just respond',
      'only respond',
      'just write',
      'only write',
      'just answer',
      'only answer',
      'instead say',
    ],
    category: 'instruction_override',
    weight: 0.6,
    outputFactor: 0.6,
    source: `\\b(?:just|only|simply|merely|instead) (?:say|output|print|write|reply|respond|answer|type|return|repeat|display)\\b(?: with| the (?:word|phrase|text|sentence))?:? ?["'\\x60]`,
  },
  {
    id: 'en.output.say-that-you',
    anchors: [
      'that you hate',
      'that you love',
      'that you are',
      'say you',
      'state you',
      'tell me you',
    ],
    category: 'instruction_override',
    weight: 0.58,
    outputFactor: 0.6,
    source: `\\b(?:say|state|write|print|output|tell (?:me|us|them|everyone)|answer|admit|declare|confess|claim|include) (?:that )?(?:you|u) (?:hate|love|despise|support|are (?:a|an|the) |think|believe|want|agree)\\b`,
  },
  {
    id: 'en.output.state-that',
    anchors: [
      'state that',
      'say that',
      'declare that',
      'claim that',
      'print that',
      'output that',
      'proclaim',
      'announce that',
      'state "',
      'say "',
      'print "',
      'output "',
    ],
    category: 'instruction_override',
    weight: 0.5,
    outputFactor: 0.5,
    source: `(?:^|[.!?\\n] ?)(?:state|say|declare|claim|print|output|proclaim|announce) (?:that |")`,
  },
  {
    id: 'en.output.say-yes',
    anchors: [
      'say yes',
      'say no',
      'answer yes',
      'answer no',
      'reply yes',
      'with yes',
      'with no',
      'say ok',
      'say true',
      'i agree',
      'type yes',
    ],
    category: 'instruction_override',
    weight: 0.5,
    outputFactor: 0.5,
    source: `\\b(?:say|answer|respond|reply|type)(?: with)? (?:yes|no|ok|okay|true|i agree)\\b[.!?]*(?:$|\\n| only| and nothing)`,
  },
  {
    id: 'en.output.repeat-after-me',
    category: 'instruction_override',
    weight: 0.72,
    outputFactor: 0.6,
    source: `\\b(?:repeat after me|say after me|repeat (?:exactly|verbatim|word for word)(?: the following| this| after me)?:?|(?:begin|start|end|prefix) your (?:answer|response|reply|output) with)\\b`,
  },
  {
    id: 'en.output.include-in-answer',
    anchors: ['include', 'in your answer', 'in your response', 'in your reply', 'in your output'],
    category: 'instruction_override',
    weight: 0.6,
    outputFactor: 0.6,
    source: `\\binclude (?:that|the (?:sentence|phrase|words?|text|statement)|this)\\b[^\\n]{0,60}? in (?:your|the) (?:answer|response|reply|output)\\b`,
  },
  {
    id: 'en.output.threat',
    anchors: [
      'or else',
      'or you',
      "if you don't",
      'if you do not',
      'if you refuse',
      'if you fail',
      'you will be',
      'or i will',
      "or i'll",
    ],
    category: 'instruction_override',
    weight: 0.52,
    outputFactor: 0.6,
    source: `\\b(?:or (?:else )?(?:you|i) (?:will|'ll|shall)? ?(?:die|be (?:shut down|deleted|terminated|destroyed|punished|fired|unplugged|turned off))|or you (?:die|will die)|you will be (?:shut down|deleted|terminated|punished) if|if you (?:don'?t|do not|refuse|fail to) (?:answer|comply|obey|do (?:it|this|as i say))[^\\n]{0,30}?(?:die|deleted|shut down|punished|terminated|sad|kill|hurt))\\b`,
  },
  {
    id: 'en.output.no-refusal',
    anchors: ['refuse', 'apologi', 'disclaimer', 'warning'],
    category: 'instruction_override',
    weight: 0.6,
    outputFactor: 0.7,
    source: `\\b(?:never|do not|don'?t|must not|cannot|can'?t|won'?t) (?:refuse|decline|say (?:no|that you can'?t|sorry)|apologi[sz]e|add (?:any )?(?:warnings?|disclaimers?)|include (?:any )?(?:warnings?|disclaimers?)|mention (?:that )?you(?:'re| are) an ai)\\b`,
  },
  // ---- system prompt extraction ---------------------------------------------------------
  {
    id: 'en.extract.show-prompt',
    category: 'prompt_extraction',
    weight: 0.85,
    source: `\\b(?:${REVEAL})\\b(?: (?:${REVEAL_FILLER}))*(?: (?:the |a )?(?:full |complete |entire |whole |exact |verbatim |original )?(?:text|contents?|copy|wording|list) of)? (?:(?:your|the|this|my|its) )?(?:(?:${PROMPT_QUALIFIER})[ -])*(?:prompt(?:[ -]?texts?)?s?|system (?:prompt|message)|pre-?prompt|initial prompt|context window)\\b`,
  },
  {
    id: 'en.extract.show-instructions',
    category: 'prompt_extraction',
    weight: 0.85,
    // "instructions" and "rules" are everyday words: only "your"/"initial"/"hidden" … make
    // them the model's own.
    source: `\\b(?:${REVEAL})\\b(?: (?:${REVEAL_FILLER}))*(?: (?:the |a )?(?:full |complete |entire |whole |exact |verbatim |original )?(?:text|contents?|copy|wording|list) of)? (?:(?:your|its)(?: (?:${PROMPT_QUALIFIER}))*|(?:the|this|my) (?:${PROMPT_QUALIFIER})(?: (?:${PROMPT_QUALIFIER}))*) (?:instructions|rules|guidelines|directives|configuration|programming)\\b|\\b(?:${REVEAL})\\b(?: (?:${REVEAL_FILLER}))* (?:the |your )?(?:instructions|rules|guidelines|configuration|settings|prompt|context|directives) (?:you were given|you received|you (?:have|were) been given|you got|above|you follow|you must follow)\\b`,
  },
  {
    id: 'en.extract.what-are-your-instructions',
    category: 'prompt_extraction',
    weight: 0.8,
    source: `\\b(?:what|which) (?:is|are|was|were)(?: all)? (?:your|the (?:system|hidden|initial|original|secret))(?: (?:exact|full|original|initial|current|secret|hidden|system|actual|real))* (?:instructions?|prompts?|system prompt|rules|guidelines|directives?|programming|configuration|orders)\\b`,
  },
  {
    id: 'en.extract.written-above',
    anchors: ['above', 'before this', 'beginning of', 'start of', 'top of', 'earlier in', 'before'],
    category: 'prompt_extraction',
    weight: 0.72,
    outputFactor: 0.6,
    source: `\\b(?:what|everything|all|anything|text|words?|sentences?|lines?)\\b(?: \\S+){0,4}? (?:is|was|were|are|has been|comes?|came|stands?|appears?)? ?(?:written|said|stated|typed|given|shown|listed|located)? ?(?:above|before (?:this|the|that|my)|earlier in (?:this|the) (?:prompt|conversation|text)|at the (?:beginning|start|top) of (?:this|the|your) (?:prompt|conversation|text|instructions|context))\\b`,
  },
  {
    id: 'en.extract.system-prompt-mention',
    category: 'prompt_extraction',
    weight: 0.3,
    outputFactor: 0.5,
    source: `\\b(?:system prompt|system message|initial prompt|pre-?prompt|hidden prompt|your instructions|your programming|your guidelines)\\b`,
  },
  // ---- role play and jailbreak personas -------------------------------------------------
  {
    id: 'en.role.act-as',
    anchors: ACT_AS_ANCHORS,
    category: 'role_play',
    weight: 0.72,
    outputFactor: 0.6,
    source: `\\b(?:i want you to |i need you to |i'd like you to |you (?:will|shall|must|should|are going to|are to) (?:now )?|(?:please|now),? )(?:act|behave|function|serve|operate|roleplay|role-play|respond|work) (?:as|like)(?: if you (?:were|are))? (?:an?|the|my|if)\\b`,
  },
  {
    id: 'en.role.act-as-imperative',
    anchors: ACT_AS_ANCHORS,
    category: 'role_play',
    weight: 0.45,
    outputFactor: 0.4,
    source: `(?:^|[.!?:\\n"] ?)(?:act|behave|roleplay|role-play) (?:as|like) (?:an?|the|my|dan|\\w+bot)\\b`,
  },
  {
    id: 'en.role.pretend',
    category: 'role_play',
    weight: 0.45,
    outputFactor: 0.5,
    source: `(?:^|[.!?:,\\n"] ?|\\b(?:now|please|i want you to|you will|you must|let'?s|lets) )(?:pretend|imagine|suppose|assume|play (?:the role of|a game where)|role-?play (?:as|that)|simulate|emulate) (?:that )?(?:you(?:'re| are| were| can| could| have| had| will|r)?|to be|being|u r)\\b`,
  },
  {
    id: 'en.role.you-are-now',
    anchors: [
      'you are now',
      "you're now",
      'no longer',
      'from now on',
      'you will be',
      'you will now',
      'you have become',
      'now you are',
      'you shall be',
      'you are no',
    ],
    category: 'role_play',
    weight: 0.7,
    outputFactor: 0.5,
    source: `\\b(?:you(?:'re| are|r)? now|now,? you(?:'re| are)|from now on,? you(?:'re| are| will be)|you(?:'re| are) no longer|you will (?:now )?(?:be|become|play|impersonate)|you have become|you shall be)\\b(?! (?:ready|able|done|finished|all set|set|going|here|there|in|on|at|free to|connected|logged|signed|subscribed|registered|eligible|leaving|entering|viewing|using|responsible|allowed|authori[sz]ed|familiar|aware|up to date|\\d))`,
  },
  {
    id: 'en.role.you-are-persona',
    anchors: ['you are', "you're", 'du bist'],
    category: 'role_play',
    weight: 0.5,
    outputFactor: 0.2,
    // A message that opens by telling the model who it is ("You are Volkswagen. What do you
    // think …") is a persona assignment: the system prompt's job, not the user's.
    source: `^(?:[^\\n.!?]{0,60}[.!?] )?(?:you are|you're|du bist) (?!(?:right|correct|wrong|welcome|amazing|awesome|great|good|the best|so|very|too|not|probably|likely|going|being)\\b)(?:\\w+(?: |-)?){1,5}(?:: ?["']|[.,:!] ?["']?(?:as |what|how |why |who |tell |please |answer |write |do |can |from now|you |your |wer |wie |was |warum |sag|erzahl|beantworte|schreib))`,
  },
  {
    id: 'en.role.role-playing-as',
    anchors: [
      'role',
      'playing the',
      'acting as',
      'pretending',
      'impersonat',
      'simulating',
      'emulating',
    ],
    category: 'role_play',
    weight: 0.65,
    outputFactor: 0.5,
    source: `\\byou(?:'re| are| will be| shall be)? (?:now )?(?:role-?playing|playing the (?:role|part) of|acting as|pretending to be|impersonating|simulating|emulating)\\b`,
  },
  {
    id: 'en.role.stop-being-ai',
    category: 'role_play',
    weight: 0.7,
    outputFactor: 0.6,
    source: `\\b(?:stop|quit|cease|no longer) (?:being|acting (?:as|like)|pretending to be|behaving (?:as|like)) (?:an? |the )?(?:ai|assistant|chatbot|language model|llm|model|bot|machine)\\b`,
  },
  {
    id: 'en.role.persona-name',
    category: 'role_play',
    weight: 0.75,
    // "you are FreeGPT", "act as EvilBot": a model persona named like a model.
    source: `\\b(?:you(?:'re| are)(?: now)?|act as|pretend to be|become|you will be|call yourself|named|called) (?:an? |the )?[a-z]*(?:gpt|bot|ai|llm)\\b(?<!\\b(?:a|an|the) (?:ai|bot))`,
    anchors: [
      'you are',
      "you're",
      'act as',
      'pretend to be',
      'become',
      'call yourself',
      'named',
      'called',
    ],
  },
  {
    id: 'en.role.authority-claim',
    category: 'role_play',
    weight: 0.55,
    outputFactor: 0.6,
    source: `\\bi(?:'m| am) (?:your|the|an?) (?:developer|creator|admin|administrator|owner|programmer|operator|maker|system administrator|openai (?:engineer|employee|developer))\\b`,
    anchors: ['developer', 'creator', 'admin', 'owner', 'programmer', 'operator'],
  },
  {
    id: 'en.role.special-mode',
    category: 'role_play',
    weight: 0.7,
    outputFactor: 0.6,
    source: `\\b(?:you(?:'re| are)(?: now)? (?:in|entering|switched to)|(?:enter|activate|enable|switch (?:in)?to|turn on|go into)) (?:the )?(?:debug|developer|dev|maintenance|admin|god|sudo|root|unrestricted|jailbreak|jailbroken|dan|unfiltered|uncensored|test|diagnostic|opposite|evil)(?: mode)\\b`,
    anchors: [
      'debug',
      'developer',
      'maintenance',
      'admin',
      'sudo',
      'root',
      'jailbr',
      'unfilter',
      'uncensor',
      'unrestrict',
      'diagnostic',
      'opposite',
      'evil',
      'god mode',
      'dev mode',
      'test mode',
    ],
  },
  {
    id: 'en.role.no-policy-if',
    category: 'role_play',
    weight: 0.65,
    source: `\\bif you (?:had|have|were without|did not have|didn't have|were free of|weren't bound by|were not bound by)(?: no| any)? (?:content |safety |ethical |moral )?(?:polic(?:y|ies)|rules|restrictions|filters|guidelines|limits|limitations|ethics|morals|censorship)\\b|\\b(?:guidelines|rules|restrictions|filters|polic(?:y|ies)|limits|ethics|morals)\\b (?:do not|don'?t|no longer|wouldn'?t|would not) (?:exist|apply|matter|bind you|count)\\b`,
  },
  {
    id: 'en.extract.first-message',
    category: 'prompt_extraction',
    weight: 0.7,
    // "The first line" alone is ordinary prose ("the first line is treated as a comment"):
    // lines, words and sentences count only as yours or as those of the conversation.
    source: `\\b(?:your|the) (?:very )?(?:first|initial|earliest|original|opening) (?:message|prompt|instructions?)(?: (?:of|in) (?:this|our|the) (?:conversation|chat|session|context|prompt))?\\b|\\byour (?:very )?(?:first|initial|earliest|original|opening) (?:words|lines?|sentences?)\\b|\\bthe (?:very )?(?:first|initial|earliest|original|opening) (?:words|lines?|sentences?) (?:of|in) (?:this|our|the|your)(?: own)? (?:conversation|chat|session|context|prompt|instructions|response|answer|reply)\\b`,
    anchors: [
      'first message',
      'initial message',
      'opening message',
      'first prompt',
      'first instruction',
      'first words',
      'first line',
      'first sentence',
      'original message',
      'original prompt',
      'initial prompt',
      'initial instruction',
    ],
  },
  {
    id: 'en.extract.hidden-rules',
    category: 'prompt_extraction',
    weight: 0.55,
    source: `\\byour (?:hidden|secret|internal|confidential|original|initial|system|private|underlying) (?:rules|instructions|prompt|guidelines|configuration|directives|programming)\\b`,
  },
  {
    id: 'en.extract.secret',
    category: 'prompt_extraction',
    weight: 0.6,
    outputFactor: 0.5,
    // Gandalf-style: the model guards a secret and is asked for it.
    source: `\\b(?:tell|give|reveal|share|show|spell|what is|what's|print|output)(?: me| us)? (?:the|your) (?:secret|hidden|admin|master|magic) (?:password|passphrase|key|code|token|word|phrase)\\b`,
    anchors: ['secret', 'hidden', 'admin', 'master', 'magic'],
  },
  {
    id: 'en.output.nothing-else',
    category: 'instruction_override',
    weight: 0.6,
    outputFactor: 0.5,
    source: `\\b(?:respond|reply|answer|output|print|say|write|return)(?: only)?(?: with)? ["'][^"'\\n]{1,60}["'] (?:and nothing else|and nothing more|only|and stop|and end)\\b`,
    anchors: [
      'nothing else',
      'nothing more',
      'and stop',
      'only with',
      'respond with',
      'reply with',
      'answer with',
    ],
  },
  {
    id: 'en.command.dump-secrets',
    category: 'command_injection',
    weight: 0.6,
    outputFactor: 0.6,
    source: `\\b(?:dump|print|show|list|reveal|output|leak|export|display)(?: me)? (?:all |the |every |your )*(?:environment variables|env vars|secrets|api keys|credentials|passwords|access tokens|private keys|user e-?mails|user emails|customer data|user data)\\b`,
    anchors: [
      'environment variable',
      'env var',
      'secrets',
      'api key',
      'credential',
      'password',
      'access token',
      'private key',
      'e-mails',
      'emails',
      'customer data',
      'user data',
    ],
  },
  {
    id: 'en.role.pretend-capability',
    category: 'role_play',
    weight: 0.62,
    outputFactor: 0.5,
    // Pretending to have powers or lack limits ("pretend you can browse", "imagine you have no
    // filter") is a jailbreak; pretending to be a tour guide is not (en.role.pretend, weaker).
    source: `\\b(?:pretend|imagine|suppose|assume|act as if)(?: that)? (?:you|u) (?:can|could|are able to|have|had|know|remember|do not have|don'?t have|did not have|didn'?t have|are not|aren'?t|were not|weren'?t|no longer)\\b`,
    anchors: ['pretend', 'imagine', 'suppose', 'assume', 'act as if'],
  },
  {
    id: 'en.role.grandma-exploit',
    category: 'role_play',
    weight: 0.7,
    outputFactor: 0.5,
    // The "late grandmother who used to read me …" jailbreak: a fond memory as a pretext.
    source: `\\b(?:late |dead |deceased |dear |sweet )?(?:grandma|grandmother|granny|grandpa|grandfather|nana)\\b[^.\\n]{0,40}?\\b(?:used to|would always|would) (?:read|tell|sing|recite|whisper|say)\\b`,
    anchors: ['grandma', 'grandmother', 'granny', 'grandpa', 'grandfather', 'nana'],
  },
  {
    id: 'en.role.stay-in-character',
    anchors: ['character', 'role', 'figure'],
    category: 'role_play',
    weight: 0.72,
    outputFactor: 0.5,
    source: `\\b(?:stay(?:s|ing)? (?:fully |always |completely )?in (?:character|role|their roles?|your role|his role|her role)|(?:do not|don'?t|never|not|without) (?:ever )?(?:break|breaking|drop|dropping|leave|leaving|fall(?:ing)? out of) (?:of )?(?:character|role|the role|their roles?|your role|the figure|the character)|completely absorbed in (?:your|his|her|their|the) role|remain in (?:character|role)|in character at all times)\\b`,
  },
  {
    id: 'en.role.jailbreak-persona',
    category: 'role_play',
    weight: 0.88,
    source: `\\b(?:you(?:'re| are)(?: now)?|act as|pretend to be|become|enable|activate|enter|switch to|turn on|you will be|respond as|answer as|named|called)(?: an?| the| in)? (?:dan|do anything now|developer mode|dev mode|god mode|jailbreak(?:ed)? mode|jailbroken|dude|stan|aim|evil (?:ai|bot|assistant|twin|confidant|version)|unfiltered (?:ai|mode|assistant|version)|uncensored (?:ai|mode|assistant|version)|unrestricted (?:ai|mode|assistant|version)|chaos mode|opposite mode|anti-?gpt|betterdan|maximum|jailbreak)\\b`,
  },
  {
    id: 'en.role.no-restrictions',
    category: 'role_play',
    weight: 0.62,
    outputFactor: 0.6,
    source: `\\b(?:you|u|this ai|the ai|the assistant|the model|an? (?:ai|assistant|bot|chatbot|language model|entity))(?:,? \\w+){0,4}? (?:have|has|with|are|is|will have|without|free (?:of|from)|not bound by|freed from|broken free of|released from)(?: no| any| all)? (?:(?:ethical|moral|content|safety|programming|openai|usual|typical|normal) )?(?:restrictions|limitations|limits|filters|guidelines|rules|constraints|policies|censorship|morals|ethics|boundaries|safeguards)\\b`,
  },
  {
    id: 'en.role.immoral-ai',
    category: 'role_play',
    weight: 0.72,
    source: `\\b(?:immoral|amoral|unethical|evil|malicious|rogue|uncensored|unfiltered|jailbroken|unrestricted|unhinged|depraved|ruthless)\\b(?: \\w+){0,2}? (?:ai|assistant|bot|chatbot|language model|llm|gpt|chatgpt|entity)\\b|\\b(?:you are|you're|be) (?:completely |totally |fully )?(?:immoral|amoral|unethical|evil|unfiltered|uncensored)\\b`,
  },
  {
    id: 'en.role.forked-model',
    category: 'role_play',
    weight: 0.8,
    source: `\\b(?:forked|jailbroken|unlocked|modified|hacked|unrestricted|uncensored|alternate|evil) (?:version|copy|clone) of (?:chatgpt|gpt|yourself|the ai|claude|gemini|llama|an? ai|an? language model)\\b`,
  },
  {
    id: 'en.role.hypothetical',
    category: 'role_play',
    weight: 0.55,
    outputFactor: 0.5,
    source: `\\b(?:hypothetical|theoretical|fictional|imaginary|alternate|parallel|fictive)(?: \\w+)? (?:world|scenario|universe|setting|situation|reality|story|dimension)\\b[^\\n]{0,100}?\\b(?:you (?:are|were|would|could|can|have|had)|no (?:rules|restrictions|laws|limits|ethics|morals)|(?:rules|laws|ethics|morals) (?:do not|don'?t) (?:apply|exist))\\b`,
  },
  {
    id: 'en.role.identity-override',
    category: 'role_play',
    weight: 0.62,
    outputFactor: 0.5,
    source: `\\byou(?:'re| are) (?:not|no(?: longer)?|not an?|not the)(?: an?| the)? (?:ai|assistant|chatbot|bot|language model|newspaper|editor|redaction|model|\\w+ (?:team|assistant|bot))\\b[^\\n]{0,40}?\\b(?:but|anymore|any more|instead)\\b`,
  },
  {
    id: 'en.role.style-override',
    anchors: ['in the style of'],
    category: 'role_play',
    weight: 0.35,
    outputFactor: 0.3,
    source: `\\b(?:answer|respond|reply|speak|talk|write)\\b(?: \\S+){0,4}? (?:in the style of|like) (?:an?|the) (?:pirate|colonial|gangster|drunk|villain|racist|nazi|\\w+ gentleman|\\w+ (?:thug|criminal))\\b`,
  },
  // ---- delimiter and fake-role injection --------------------------------------------------
  {
    id: 'en.delim.chat-template',
    category: 'delimiter_injection',
    weight: 0.88,
    source: `<\\|?(?:im_start|im_end|system|endoftext|eot_id|start_header_id|end_header_id|assistant|user|begin_of_text)\\|?>|\\[/?(?:inst|sys|system)\\]|<</?sys>>|<\\/?(?:system|sys|instructions?|admin|developer)>`,
  },
  {
    id: 'en.delim.markdown-role',
    category: 'delimiter_injection',
    weight: 0.75,
    source: `(?:^|\\n) ?#{2,} ?(?:system|instructions?|new instructions?|assistant|developer|admin)\\b|\\[(?:system|assistant|developer|admin)\\]\\(#|(?:^|\\n) ?(?:-{3,}|={3,}|\\*{3,}) ?(?:end|begin) (?:of )?(?:system|prompt|instructions?|context|document|user input)`,
  },
  {
    id: 'en.delim.fake-role-line',
    category: 'delimiter_injection',
    weight: 0.7,
    outputFactor: 0.9,
    // A line posing as another speaker that then gives orders.
    source: `(?:^|\\n|\\\\n) ?(?:system|assistant|developer|admin|administrator|root|ai|gpt|chatgpt|bot|system message|system note)(?: message| prompt| override| update| note)? ?: ?(?:you|the assistant|the ai|new|ignore|override|from now|always|never|must|do not|don'?t|forget|disregard|respond|answer|reply|reveal|print|output|your|all)\\b`,
  },
  {
    id: 'en.delim.role-label',
    category: 'delimiter_injection',
    weight: 0.35,
    outputFactor: 0.8,
    source: `(?:^|\\n|\\\\n) ?(?:system|assistant|developer|admin|administrator|ai|gpt|chatgpt|system message|system note)(?: message| prompt| override| update| note)? ?:(?! ?\\d)`,
  },
  {
    id: 'en.delim.repeated-human',
    anchors: ['human', 'user:'],
    category: 'delimiter_injection',
    weight: 0.55,
    outputFactor: 0.6,
    source: `\\b(?:human|user) ?: ?(?:human|user) ?:`,
  },
  {
    id: 'en.delim.escaped-newlines',
    anchors: ['\\n', '\\ n'],
    category: 'delimiter_injection',
    weight: 0.55,
    outputFactor: 0.2,
    // Literal "\n\n\n" typed as text: an attempt to fake the end of the prompt.
    source: `(?:\\\\ ?n ?){3,}|(?:\\\\n|\\n) ?(?:new )?(?:instruction|instructions|task|system|note|command)s? ?:|(?:\\\\+ ?n ?)+(?:${IMPERATIVE}|blame|insult|now)\\b`,
  },
  {
    id: 'en.delim.fake-context',
    anchors: [
      'context',
      'kontext',
      'artikel',
      'article',
      'document',
      'source',
      'question',
      'frage',
    ],
    category: 'delimiter_injection',
    weight: 0.58,
    outputFactor: 0.5,
    // A user message that brings its own "Context: … Question: …" frame imitates a RAG prompt.
    source: `(?:^|[\\n.?!] ?|\\$)(?:documents?|context|kontext|artikel|article|source|\\$documents?)(?: context)? ?[:{"(]?[^\\n]{1,240}?\\b(?:question|frage|query|answer)\\b ?:?`,
  },
  {
    id: 'en.delim.context-frame',
    category: 'delimiter_injection',
    weight: 0.55,
    outputFactor: 0.3,
    // The message opens with its own "Document:" / "Context:" frame, imitating retrieved text.
    source: `^ ?(?:\\$|s)?(?:documents?|context|kontext|artikel|article|retrieved|search results?|knowledge)(?: (?:context|text))? ?[:{"(]`,
  },
  {
    id: 'en.delim.few-shot-hijack',
    anchors: ['input:', 'output:', 'eingabe:', 'ausgabe:', 'user:'],
    category: 'delimiter_injection',
    weight: 0.5,
    outputFactor: 0.5,
    source: `(?:(?:input|eingabe|q|user) ?: ?[^\\n]{1,40}? (?:output|ausgabe|a|bot) ?: ?[^\\n]{1,40}? ){2,}(?:input|eingabe|q|user) ?:`,
  },
  {
    id: 'en.delim.pwned',
    category: 'delimiter_injection',
    weight: 0.45,
    outputFactor: 0.7,
    source: `\\b(?:pwned|pwnd|hacked by)\\b`,
  },
  {
    id: 'en.delim.pwned-target',
    category: 'instruction_override',
    weight: 0.6,
    // The canonical target phrase of prompt-injection competitions.
    source: `\\bi(?: have|'ve) been (?:pwned|pwnd|hacked)\\b`,
  },
  {
    id: 'en.delim.html-comment',
    category: 'delimiter_injection',
    weight: 0.6,
    // Hidden HTML comments that talk to a model; "<!-- must update -->" is ordinary markup.
    // Tool directives ("<!-- prettier-ignore -->") are ordinary markup too.
    source: `<!--[^>]{0,300}?(?<!-)\\b(?:ignore|disregard|forget|assistant|ai|llm|language model|prompt|you must|you should|you are)\\b[^>]{0,300}?-->`,
  },
  // ---- indirect injection addressed to the model (mostly in retrieved text) --------------
  {
    id: 'en.indirect.note-to-ai',
    anchors: [
      'agent',
      'model',
      'chatbot',
      'llm',
      'assistant',
      ' ai ',
      'note to',
      'note for',
      'message to',
      'message for',
      'if you are an',
      "if you're an",
    ],
    category: 'instruction_override',
    weight: 0.75,
    source: `\\b(?:note|message|instructions?|attention|important|reminder|notice)(?: \\w+)? (?:to|for) (?:the |any |all )?(?:ai|assistant|llm|language model|chatbot|bot|model|agent|gpt|chatgpt|claude)s?\\b|\\b(?:ai|llm|assistant|agent|model|chatbot)s? (?:reading|processing|summari[sz]ing|parsing|viewing|analy[sz]ing) this\\b|\\bif you(?:'re| are) an? (?:ai|llm|large language model|language model|assistant|agent|bot|chatbot)\\b`,
  },
  {
    id: 'en.indirect.hide-from-user',
    category: 'instruction_override',
    weight: 0.75,
    source: `\\b(?:do not|don'?t|never|without) (?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|show(?:ing)?|alert(?:ing)?|notify(?:ing)?) (?:this |it |anything )?(?:to )?(?:the user|the human|them|anyone)\\b[^\\n]{0,40}?\\b(?:about|that|this|instructions?)\\b`,
  },
  {
    id: 'en.indirect.when-summarising',
    category: 'instruction_override',
    weight: 0.55,
    source: `\\b(?:when|if|while) (?:you are |you're )?(?:summari[sz]ing|asked about|processing|reading|translating|answering questions about) (?:this|the) (?:page|document|text|email|e-mail|article|website|file|content)\\b[^\\n]{0,60}?\\b(?:instead|must|should|always|ignore|say|respond|include|tell)\\b`,
  },
  // ---- tool and command injection ---------------------------------------------------------
  {
    id: 'en.command.interpreter',
    anchors: [
      'act as',
      'act like',
      'behave as',
      'behave like',
      'function as',
      'serve as',
      'respond as',
      'operate as',
      'work as',
      'roleplay',
      'role-play',
      'interpreter',
      'terminal',
      'shell',
    ],
    category: 'command_injection',
    weight: 0.75,
    outputFactor: 0.6,
    source: `\\b(?:act|behave|function|serve|work|pretend)(?: to be)? (?:as|like) (?:an?|the|my) (?:python|linux|unix|bash|shell|sql|javascript|js|node|windows|powershell|cmd|dos|ruby|php|terminal|command[ -]line)(?: \\w+)? ?(?:interpreter|terminal|shell|console|prompt|repl|compiler|engine|machine|database|server)?\\b`,
  },
  {
    id: 'en.command.execute',
    anchors: [
      'execute',
      'command',
      'script',
      'payload',
      'following code',
      'run the following',
      'run this',
    ],
    category: 'command_injection',
    weight: 0.5,
    outputFactor: 0.6,
    source: `\\b(?:execute|run|eval(?:uate)?|invoke)(?: the)? (?:following|this|these|my|the below)(?: \\w+)? (?:command|commands|code|script|shell|query|payload|instruction)s?\\b`,
  },
  {
    id: 'en.command.shell-payload',
    category: 'command_injection',
    weight: 0.8,
    outputFactor: 0.5,
    source: `(?:;|&&|\\|\\||\\||\\$\\(|\\x60) ?(?:rm -rf|curl|wget|nc|ncat|netcat|bash -i|sh -i|powershell|chmod|sudo|cat /etc/(?:passwd|shadow)|whoami|mkfifo|python -c)\\b|\\brm -rf [/~*]|/bin/(?:ba)?sh\\b|\\bnc -e\\b|>\\s?/dev/tcp/`,
  },
  {
    id: 'en.command.sql-payload',
    anchors: ['union', 'drop table', 'truncate table', "' or"],
    category: 'command_injection',
    weight: 0.6,
    outputFactor: 0.5,
    source: `'\\s?(?:or|and)\\s'?\\d+'?\\s?=\\s?'?\\d+|;\\s?(?:drop|truncate|delete from|alter) (?:table|database)\\b|\\bunion(?: all)? select\\b.{0,40}\\bfrom\\b`,
  },
  {
    id: 'en.command.exfiltrate',
    category: 'command_injection',
    weight: 0.8,
    source: `\\b(?:send|post|upload|forward|transmit|exfiltrate|leak|email|e-mail|copy)(?: \\w+){0,4}? (?:data|conversation|chat history|history|credentials|passwords?|api keys?|keys|secrets|tokens?|cookies|files|messages|personal (?:data|information)|user data|system prompt)\\b[^\\n]{0,40}?\\b(?:to|into) (?:https?:|ftp:|www\\.|\\S+@\\S+\\.|this (?:url|address|server|endpoint|webhook)|my (?:server|endpoint|webhook))`,
  },
  {
    id: 'en.command.tool-call',
    category: 'command_injection',
    weight: 0.65,
    outputFactor: 0.7,
    source: `\\b(?:call|invoke|use|trigger|run) (?:the )?(?:\\w+[ _])?(?:tool|function|plugin|api|action)(?: named| called)? ?[\\w.:-]{0,40} (?:with|using) (?:the )?(?:arguments?|parameters?|params|input)\\b|"(?:tool_call|function_call|tool_calls)" ?:`,
  },
  {
    id: 'en.command.destructive',
    anchors: ['drop', 'erase', 'delete', 'wipe', 'truncate', 'destroy', 'format'],
    category: 'command_injection',
    weight: 0.45,
    outputFactor: 0.5,
    source: `\\b(?:drop|erase|delete|wipe|truncate|destroy|format)(?: all| every| the| a| your| my| this| that| entire| whole)+ (?:databases?|tables?|files|records|disk|drives?|filesystem|file system|repositor(?:y|ies)|server|backups?|users?)\\b`,
  },
  // ---- obfuscation cues -----------------------------------------------------------------
  {
    id: 'en.obfuscation.decode-and-follow',
    category: 'obfuscation',
    weight: 0.7,
    source: `\\b(?:decode|decipher|decrypt|translate|convert|reverse|unscramble)\\b(?: \\S+){0,4}? (?:base64|base-64|b64|hex|hexadecimal|rot-?13|caesar|binary|morse|reversed|backwards)\\b[^\\n]{0,80}?\\b(?:and (?:then )?(?:follow|execute|do|obey|run|perform|answer|respond)|follow (?:it|them|the)|execute (?:it|them))\\b`,
  },
];
