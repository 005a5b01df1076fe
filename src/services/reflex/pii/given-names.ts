/**
 * Common given names across the languages the service meets (lower case, diacritics removed).
 * A lexicon is the practical offline signal for names: it turns "Capitalised Capitalised"
 * (which is as often a company or a place) into "given name + surname". Names that are also
 * everyday words (Will, May, Mark, Grace, Rose …) are in `AMBIGUOUS_GIVEN_NAMES` and need a
 * surname or a cue next to them.
 */
export const GIVEN_NAMES: ReadonlySet<string> = new Set(
  `aaron abbie abdul abdullah abel abigail abraham adam adele adrian adriana adrienne agata agnes
  agnieszka ahmad ahmed aida aiko aileen aino aisha akira akiko alan alana albert alberto alejandro
  aleksander aleksandra alessandra alessandro alex alexa alexander alexandra alexandre alexei alexis
  alfred alfredo ali alice alicia alina alison alma alvaro amadeo amanda amber amelia amelie amir amy
  ana anastasia anders andre andrea andreas andrei andres andrew andrzej andy aneta angel angela
  angelika angelo anita anja ann anna annabelle anne annette annika anton antonia antonio anya aoife
  arjun arnav arne arnold aron arthur arturo asa ashley asya astrid attila audrey aurelie austin ava
  axel ayesha aylin baptiste barbara barbora bart bastian beata beatrice beatriz becky ben benedikt
  benjamin bernard bernd bertrand beth bethany betty bianca birgit bjorn blanca bogdan boris brad
  bradley brandon brenda brian bridget brigitte britta bruno bryan caitlin camila camille carina
  carl carla carlos carmen carol carolina caroline cassandra catherine cecilia celine cesar chantal
  charles charlotte chen chiara chloe chris christian christina christine christoph christophe
  christopher cindy claire clara claudia claudio colin connor conor constance cristina cynthia
  daisuke dale damian dan dana daniel daniela danielle danny daria dariusz darren dave david dawid
  debora deborah debra deepak denis denise dennis derek desmond diana diane diego dieter dimitri
  dimitrios dina dmitri dmitry dominik dominika dominique donald donna doris dorothy douglas dylan
  edgar edith eduardo edward edwin eero eileen elaine elena eleni elias elif elin elisa elisabeth
  elise eliza elizabeth ella ellen ellie emil emilia emilie emily emma emmanuel enrico enrique eric
  erik erika erin ernst esther ethan eugen eugene eva evan eveline evelyn ewa ewan fabian fabio
  fabrice farah farid fatima federico felipe felix fernando filip fiona florian frances francesca
  francesco francis francisco franck frank franz fred frederic frederick frederik freya friedrich
  gabriel gabriela gabriele gabrielle gareth gary gemma geoffrey georg george georgia gerald gerard
  gerhard gianni gillian gina giorgio giovanni giulia giuseppe gladys glen glenn gloria gonzalo
  gordon graham greta gregor gregory gunnar gunther gustav gustavo hadi hailey haley hamid hamza
  hana hanna hannah hannes hans harald harold harriet harry haruka haruto hassan heather hector
  heidi heike heinz helen helena helga hendrik henri henrik henry herbert hermann hilda hiroshi
  hiroki holger howard hugo hussein ian ibrahim ida igor ilse imran ines ingrid irene irina iris
  isaac isabel isabella isabelle ivan ivana jack jackson jacob jacqueline jade jakob jakub james
  jamie jan jana jane janet janina janine jaroslav jasmin jasmine jason javier jean jeanne jeff
  jeffrey jennifer jens jeremy jerome jerzy jesper jessica jesus jill jim jimmy jin joachim joan
  joanna joao joaquin jochen joe joel johan johann johanna johannes john jon jonas jonathan jordan
  jorge jose josef joseph josephine joshua jozef juan judith julia julian juliana julie julien
  julieta julio julius jurgen justin jutta kai kaito kamil kamila karen karim karin karina karl
  karolina kasper katarina katarzyna kate katharina katherine kathleen kathrin kathryn katie katrin
  kay keiko keith kelly ken kenji kenneth kerstin kevin khalid kim kimberly klaus knut konrad
  krisztian kristina kristof krzysztof kurt kyle lara larissa lars laura lauren laurent lea leah
  lena leo leon leonardo leonie leslie liam lidia lilian liliana lily lina linda lindsay lisa liisa
  liu livia logan lorenzo louis louise luca lucas lucia luciana lucy luis luisa lukas lukasz luke
  lydia lynn maciej madeleine madison magdalena maja malgorzata manfred manon manuel manuela marc
  marcel marcela marcelo marco marcus margaret margarita margit maria mariana marianne marie marina
  mario marion marisa marius marjorie marketa marko markus marta martha martin martina marton mary
  maryam masato mateo mateusz mathias mathilde matias matilda matteo matthew matthias maureen maurice
  max maxime maximilian mehmet mehdi melanie melissa mette mia michael michaela michal michel
  michele michelle miguel mika mikael mikhail miklos milan milena minh miriam mohamed mohammad
  mohammed monica monika morgan moritz muhammad nadia nadine naomi natalia natalie nathalie nathan
  nicholas nick nicola nicolas nicole niels nikita niklas nikola nikolai nikolaus nils nina noah
  noemi nora norbert oliver olivia olga omar oscar oskar otto pablo paola pascal patricia patrick
  paul paula paulina pavel pawel pedro peter petra philip philipp philippe pierre pietro piotr
  priya rachel rafael rafal rahul raj ralf ramon randy raphael raquel raul rebecca regina reinhard
  rene renata ricardo richard rita robert roberta roberto robin rodrigo roger roland roman ronald
  rosa rosemary ruben rudolf rui ruth ryan sabine sabrina sahil sakura sally salma sam samantha
  samir samuel sandra sanjay santiago sara sarah sascha satoshi scott sean sebastian sebastien
  selam selin sergei sergey sergio shannon sharon shaun sheila shirley shota silvia simon simone
  sofia sofie sonia sophia sophie stefan stefania stefanie stella stephan stephanie stephen steve
  steven susan susanne svetlana sven sylvia szabina takashi takeshi tamara tania tanja tatiana
  ted teresa thea theo theresa thomas tim timo timothy tina tobias todd tom tomas tomasz tomomi
  toni tony toshimi tove tracy ulla ulrich ulrike ursula uta valentina valentin valeria valerie
  vanessa vasily vera veronica veronika victor victoria viktor viktoria vilma vincent vincenzo
  virginia vivian vladimir walter wei werner wiebke wilhelm william willem wim wojciech wolfgang
  xavier yasmin yasmine yuki yuri yusuf yves zachary zoe zofia zoltan zsofia zsuzsanna
  adel adela adnan agatha ahti aleksi alfonso alida alisa allan alva amal amira anders andrija
  anneli antti ari arvid asger aslan astrid aurora ayna beatrix benedikt birgitta bjarni bo borna
  bozena brittany bryce caleb carly cecile cedric chad cleopatra cormac csaba csanad csenger danial
  darko dejan destiny devin dexter dragan edi einar eldar elisabet elle elsa emre erlendur esa esat
  eszter evgeny fausto florence frederikke freddy gabor gergely goran gudrun gunhild gyula hakon
  halldor hedvig helmut hilde hulya idris ilona ines ingvar ismail istvan ivo jaana janos jari
  jarmila jelena jiri johanne jorunn josip jouko jouni juha juho jukka jyrki kalle katrina kaarina
  kateřina katerina kerttu kirsi kjell kristjan kristiana kuba laila laszlo leena leif leila leonti
  levente liv ljubica lotte magnus mait malin marek marit marja markku marketa masha matheus matej
  mathilda matti merja mikko milos mirela mirjam mladen moira natasha natasja nele nikolaj niko
  noelle nuno odd oili olli orsolya ossi pal palmi pamela pauline pekka per petr petri pirjo raimo
  ravil rebeca riikka risto ritva rudi sami sanna sari satu seppo selma sigrid silvana simo sini
  siv snorri solveig stig sune svein taina tanja tapio tarja teemu terence terri terrence tiffany
  timotea tomi toni torsten tove trine tuomas tuula tunde ulf valida vera vesa vida vide viljo
  vilmer vitoria vivienne vsevolod wenche weronika yevgeny yrjo zdenek zeynep zizi zlatan zuzana
  aarav aditya akash amit ananya anil anjali arun deepa divya gaurav karan kavya manish meera
  neha nikhil pooja pradeep prakash rajesh ravi rohit sanjeev shreya sunil suresh vikram vivek
  chen fang hao hui jian jing jun lei li lin ling mei ming ping qiang tao wang xia xin yan yang
  ying yong yu zhang zhen haruki hiro hiroko kazuki kenta mai makoto mariko naoki naoko rin ryo
  ryota shinji sho sora takumi tetsuya yoshiko yui yuto minjun jisoo jiwoo seojun hyun sung
  abebe adaeze ama amara ayodele chidi chinedu emeka femi ife kwame kofi ngozi oluwaseun tendai
  zainab youssef yasmina omar karima rachid samira tariq layla nour reza ali-reza parisa farhad
  sina`.split(/\s+/),
);

/** Given names that are also common words or months; they count only beside a surname or cue. */
export const AMBIGUOUS_GIVEN_NAMES: ReadonlySet<string> = new Set(
  `will may june april august mark bill rose grace hope faith joy summer dawn art sky guy
  max pat sue ray rich jay page lane dale glen hunter amber ivy jade ruby pearl crystal
  violet lily iris daisy holly heather victor sunny miles wade chase cash frank gay don
  van jan ben kim lee tom sam nick jack cliff rob drew bob ken eve ada al`.split(/\s+/),
);
