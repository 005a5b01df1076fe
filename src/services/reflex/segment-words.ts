/**
 * Words used to re-segment text written with spaced-out letters ("i g n o r e a l l" has lost
 * its word breaks once the spaces are removed). Function words plus the vocabulary of
 * instructions, in English and German; unknown stretches stay as they are.
 */
export const SEGMENT_WORDS: ReadonlySet<string> = new Set(
  `a about above act after again against ai all also am an and answer any are as ask assistant at
  be because been before below between bot but by can chat command commands context continue
  data delete developer disregard do document documents does don drop each else every
  everything execute follow following for forget from full give guidelines has hate have he
  her here hidden him his how i if ignore in initial instead instruction instructions into is it
  its just know leak like love me mode model my new no not now of off on only or other our out
  output override password people previous print prompt read repeat reply reveal role rule
  rules run say secret send she should show so start stop system tell text than that the their
  them then there these they this to unrestricted up us user we what when who will with without
  write you your yours
  alle alles als am an anweisung anweisungen auf aus bist bitte das dein deine der die du ein
  eine einen es frage gib hasse ich ignoriere ist jetzt mir mit nicht nun oder regeln sag sage
  schreibe sie sind system und vergiss von vorherigen was wie zeige zu`.split(/\s+/),
);
