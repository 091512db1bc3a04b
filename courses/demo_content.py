"""Bilingual content of the demo courses (data, not gettext). Blocks use a compact notation turned into
StreamField data by courses.demo: ("p", text), ("h", heading), ("ul", [items]), ("tip"|"info"|"warning",
title, text), ("assign", title, instructions, "file"|"link"|"either")."""
from decimal import Decimal as D

IM40 = {
    "code": "IM-4.0",
    "slug": "industrie-musicale-4-0",
    "section": "la-femis",
    "kind": "module",
    "level": "advanced",
    "year": 3,
    "ects": D("6"),
    "price": None,
    "open": False,
    "title": ("Industrie Musicale 4.0", "Music Industry 4.0"),
    "summary": (
        "Module intégré au cursus de 3e année : comprendre l'économie numérique de la musique, de la "
        "distribution en streaming à l'organisation d'événements, et la mettre en pratique sur un projet "
        "réel avec Flow Stage, jusqu'à la certification professionnelle.",
        "A 3rd-year curriculum module: understand the digital economy of music, from streaming distribution "
        "to event organisation, and put it into practice on a real Flow Stage project, up to the "
        "professional certification.",
    ),
    "scheme": [("continuous", "Contrôle continu", "Continuous assessment", "40"),
               ("project", "Projet pratique", "Practical project", "35"),
               ("certification", "Certification Flow Stage", "Flow Stage certification", "25")],
    "pass_mark": "50",
    "units": [
        ("semestre-1", "Semestre 1", "Semester 1", [
            ("ecosysteme-musical-digital", "Écosystème musical digital", "The digital music ecosystem", "8",
             "Cartographier les acteurs de la filière musicale numérique\nComprendre les flux de revenus d'un titre\n"
             "Situer le rôle des techniciens dans la chaîne de valeur",
             "Map the players of the digital music industry\nUnderstand the revenue flows of a track\n"
             "Place technicians in the value chain",
             [("p", "En vingt ans, la musique enregistrée est passée du support physique à l'accès. Le streaming "
                    "représente aujourd'hui l'essentiel des revenus de la musique enregistrée en France, tandis que "
                    "le spectacle vivant reste le premier poste de revenus pour la majorité des artistes. Comprendre "
                    "cet écosystème, c'est comprendre pourquoi un ingénieur du son, un régisseur ou un éclairagiste "
                    "travaille aujourd'hui pour des équipes plus petites, plus mobiles et plus exigeantes."),
              ("h", "Les acteurs"),
              ("ul", ["L'artiste et son entourage : manager, tourneur, label ou distributeur.",
                      "Les plateformes (Spotify, Deezer, Apple Music, YouTube) et les agrégateurs.",
                      "Les organismes de gestion collective : Sacem, Adami, Spedidam, SCPP.",
                      "Les lieux, festivals et prestataires techniques, où intervient Flow Stage."]),
              ("p", "Un même titre génère des droits d'auteur (compositeur, éditeur), des droits voisins "
                    "(interprètes, producteur) et des revenus de spectacle. Les techniciens n'en touchent pas "
                    "directement, mais la qualité d'une captation ou d'un live diffusé en ligne pèse désormais sur "
                    "la carrière d'un projet."),
              ("tip", "À retenir", "Un concert filmé, mixé et diffusé le soir même est devenu un produit "
                                   "numérique à part entière : le son façade et le son diffusé ne se préparent "
                                   "plus séparément.")],
             [("p", "In twenty years, recorded music moved from physical media to access. Streaming now makes up "
                    "most of the recorded-music revenue in France, while live performance remains the main income "
                    "for most artists. Understanding this ecosystem explains why a sound engineer, a stage manager "
                    "or a lighting designer now works for smaller, more mobile and more demanding teams."),
              ("h", "The players"),
              ("ul", ["The artist and their team: manager, booking agent, label or distributor.",
                      "Platforms (Spotify, Deezer, Apple Music, YouTube) and aggregators.",
                      "Collective management organisations: Sacem, Adami, Spedidam, SCPP.",
                      "Venues, festivals and technical providers, where Flow Stage operates."]),
              ("p", "A single track generates authors' rights (composer, publisher), neighbouring rights "
                    "(performers, producer) and live income. Technicians do not receive these directly, but the "
                    "quality of a recording or of a live show streamed online now weighs on a project's career."),
              ("tip", "Key takeaway", "A concert filmed, mixed and streamed the same night has become a digital "
                                      "product in its own right: the front-of-house sound and the broadcast sound "
                                      "are no longer prepared separately.")]),
            ("plateformes-streaming-distribution", "Plateformes streaming & distribution",
             "Streaming platforms & distribution", "6",
             "Expliquer le calcul de la rémunération au stream\nPréparer des masters conformes aux normes de loudness\n"
             "Choisir un mode de distribution",
             "Explain how a stream is paid\nPrepare masters that meet loudness standards\nChoose a distribution route",
             [("p", "Les plateformes répartissent leurs revenus au prorata des écoutes (modèle « market centric ») ; "
                    "certaines expérimentent un modèle centré sur l'utilisateur ou des seuils minimaux d'écoutes. "
                    "Pour un artiste indépendant, le distributeur numérique (DistroKid, TuneCore, Believe…) livre "
                    "les fichiers et les métadonnées, collecte les revenus et prélève une commission ou un forfait."),
              ("h", "Le son sur les plateformes"),
              ("p", "Chaque plateforme normalise le volume de lecture : autour de −14 LUFS intégrés pour Spotify et "
                    "YouTube, −16 LUFS pour Apple Music. Un master trop compressé pour « sonner fort » sera "
                    "simplement baissé à la lecture, et perdra sa dynamique pour rien. Gardez un true peak sous "
                    "−1 dBTP pour éviter la saturation au transcodage."),
              ("warning", "Métadonnées", "Un ISRC manquant ou un crédit mal saisi, et les droits voisins des "
                                         "musiciens ne sont jamais versés. Vérifiez-les avant la livraison.")],
             [("p", "Platforms share their revenue in proportion to plays (the market-centric model); some are "
                    "experimenting with a user-centric model or minimum play thresholds. For an independent artist, "
                    "the digital distributor (DistroKid, TuneCore, Believe…) delivers files and metadata, collects "
                    "revenue and takes a commission or a flat fee."),
              ("h", "Sound on the platforms"),
              ("p", "Each platform normalises playback loudness: around −14 LUFS integrated for Spotify and YouTube, "
                    "−16 LUFS for Apple Music. A master over-compressed to “sound loud” is simply turned down on "
                    "playback and loses its dynamics for nothing. Keep the true peak below −1 dBTP to avoid "
                    "clipping when the file is transcoded."),
              ("warning", "Metadata", "A missing ISRC or a wrongly entered credit, and the musicians' neighbouring "
                                      "rights are never paid. Check them before delivery.")]),
            ("event-management-booking", "Event management & booking", "Event management & booking", "8",
             "Lire et négocier une fiche technique\nConstruire le budget d'une date\nPlanifier une journée de montage",
             "Read and negotiate a technical rider\nBuild the budget of a show\nPlan a load-in day",
             [("p", "Une date de concert se joue bien avant le jour J. Le tourneur négocie un cachet ou un partage "
                    "de recettes avec l'organisateur ; la fiche technique de l'artiste fixe le matériel, le "
                    "personnel et les horaires. Le régisseur du lieu confronte cette fiche à son parc et propose "
                    "des équivalences : c'est la première conversation technique, et souvent la plus importante."),
              ("h", "Le budget d'une date"),
              ("ul", ["Recettes : billetterie, bar, partenariats, subventions éventuelles.",
                      "Dépenses : cachet, technique (location, personnel), accueil, sécurité, droits Sacem, "
                      "communication.",
                      "Le point mort : le nombre de billets à vendre pour couvrir les dépenses."]),
              ("p", "Le planning de la journée (get-in, installation, balances, ouverture des portes, concert, "
                    "démontage) doit tenir compte des temps de repos réglementaires de l'équipe technique."),
              ("tip", "Conseil de régie", "Envoyez votre plan de scène et votre patch au lieu au moins quinze "
                                          "jours avant : chaque question réglée par e-mail est une heure de "
                                          "gagnée le jour du montage.")],
             [("p", "A concert is won well before the day. The booking agent negotiates a fee or a door split with "
                    "the promoter; the artist's technical rider sets the equipment, the crew and the schedule. The "
                    "venue's production manager checks the rider against their stock and offers equivalents: it is "
                    "the first technical conversation, and often the most important one."),
              ("h", "The budget of a show"),
              ("ul", ["Income: ticketing, bar, sponsorship, possible grants.",
                      "Costs: artist fee, technical (hire, crew), hospitality, security, performing-rights "
                      "fees, marketing.",
                      "Break-even: the number of tickets to sell to cover the costs."]),
              ("p", "The day's schedule (get-in, set-up, soundchecks, doors, show, load-out) must respect the "
                    "crew's statutory rest times."),
              ("tip", "Production tip", "Send your stage plot and input list to the venue at least two weeks "
                                        "ahead: every question settled by e-mail is an hour saved on the day.")]),
            ("projet-pratique-flow-stage", "Projet pratique Flow Stage", "Flow Stage practical project", "8",
             "Organiser une date réelle avec un lieu partenaire\nProduire les documents techniques\n"
             "Présenter un bilan chiffré",
             "Organise a real show with a partner venue\nProduce the technical documents\nPresent a costed review",
             [("p", "Par équipes de trois ou quatre, vous préparez une date réelle dans un lieu partenaire de Flow "
                    "Stage : choix de l'artiste, budget, fiche technique, plan de feux, planning et communication. "
                    "Un régisseur Flow Stage vous accompagne comme client et comme tuteur."),
              ("h", "Livrables"),
              ("ul", ["Le dossier de production (budget, planning, contacts).",
                      "La fiche technique son et lumière, avec patch et plan de scène.",
                      "Un bilan d'une page après la date : écarts au budget, incidents, améliorations."]),
              ("assign", "Dossier de production",
               "<p>Déposez votre dossier de production en PDF (ou un lien vers votre dossier partagé). Il "
               "comprend le budget prévisionnel, le planning de la journée et la fiche technique. Il sera noté "
               "sur 20 et compte pour le projet pratique.</p>", "either")],
             [("p", "In teams of three or four, you prepare a real show in a Flow Stage partner venue: choice of "
                    "artist, budget, technical rider, lighting plot, schedule and marketing. A Flow Stage production "
                    "manager acts as your client and tutor."),
              ("h", "Deliverables"),
              ("ul", ["The production file (budget, schedule, contacts).",
                      "The sound and lighting rider, with input list and stage plot.",
                      "A one-page review after the show: budget variances, incidents, improvements."]),
              ("assign", "Production file",
               "<p>Upload your production file as a PDF (or a link to your shared folder). It includes the "
               "budget, the day's schedule and the technical rider. It is marked out of 20 and counts towards "
               "the practical project.</p>", "either")]),
        ]),
        ("semestre-2", "Semestre 2", "Semester 2", [
            ("stage-entreprise-partenaire", "Stage entreprise partenaire Flow Stage",
             "Internship with a Flow Stage partner company", "20",
             "Intégrer une équipe technique en situation réelle\nTenir un journal de bord\nRédiger un rapport de stage",
             "Join a technical crew on real jobs\nKeep a logbook\nWrite an internship report",
             [("p", "Le stage se déroule chez un prestataire, un lieu ou un festival partenaire de Flow Stage. Vous "
                    "êtes intégré à une équipe, sous la responsabilité d'un tuteur qui valide vos missions : "
                    "préparation du matériel en dépôt, montages, exploitation et démontages."),
              ("p", "Tenez un journal de bord quotidien : matériel utilisé, problèmes rencontrés et solutions. Il "
                    "nourrit votre rapport et votre portfolio Flow Stage."),
              ("warning", "Sécurité", "Travail en hauteur, levage et électricité : vous n'intervenez que dans "
                                      "le cadre de vos habilitations et avec vos EPI (chaussures de sécurité, gants, "
                                      "casque sous les ponts).")],
             [("p", "The internship takes place with a Flow Stage partner provider, venue or festival. You join a "
                    "crew under a tutor who validates your tasks: preparing equipment at the warehouse, load-ins, "
                    "running shows and load-outs."),
              ("p", "Keep a daily logbook: equipment used, problems met and solutions. It feeds your report and "
                    "your Flow Stage portfolio."),
              ("warning", "Safety", "Working at height, rigging and electricity: you only work within your "
                                    "certifications and with your PPE (safety shoes, gloves, helmet under "
                                    "trusses).")]),
            ("certification-professionnelle", "Certification professionnelle", "Professional certification", "10",
             "Réviser les standards Flow Stage\nS'entraîner à l'examen théorique\nPréparer l'évaluation pratique",
             "Revise the Flow Stage standards\nPractise for the theory exam\nPrepare the practical assessment",
             [("p", "Ces séances préparent la certification « Flow Stage Ready » de votre spécialité : un examen "
                    "théorique (60 %) et une évaluation pratique (40 %), avec un seuil de validation de 75 %. "
                    "La certification compte pour 25 % de la note du module."),
              ("p", "Vous travaillez sur des examens blancs et des mises en situation chronométrées, puis vous "
                    "analysez vos erreurs avec le formateur."),
              ("info", "Badge numérique", "La réussite donne un badge Open Badges vérifiable par les employeurs, "
                                          "affiché sur votre profil Flow Stage.")],
             [("p", "These sessions prepare the “Flow Stage Ready” certification of your specialism: a theory exam "
                    "(60 %) and a practical assessment (40 %), with a 75 % pass mark. The certification counts for "
                    "25 % of the module grade."),
              ("p", "You work on mock exams and timed practical scenarios, then review your mistakes with the "
                    "trainer."),
              ("info", "Digital badge", "Passing earns an Open Badge that employers can verify, shown on your "
                                        "Flow Stage profile.")]),
            ("projet-fin-etudes", "Projet de fin d'études", "Final-year project", "10",
             "Mener un projet technique de bout en bout\nDocumenter et présenter ses choix\nSoutenir devant un jury",
             "Run a technical project from start to finish\nDocument and present your choices\nDefend it before a panel",
             [("p", "Le projet de fin d'études réunit tout le module : vous concevez et réalisez un dispositif "
                    "technique (captation live, création lumière, installation sonore, tournée courte) et vous le "
                    "présentez devant un jury école et Flow Stage."),
              ("assign", "Dossier de projet de fin d'études",
               "<p>Déposez votre dossier final (PDF, 20 pages au plus) ou le lien vers votre vidéo de "
               "présentation. Indiquez votre rôle précis dans l'équipe.</p>", "either")],
             [("p", "The final-year project brings the whole module together: you design and carry out a technical "
                    "setup (live recording, lighting design, sound installation, short tour) and present it to a "
                    "school and Flow Stage panel."),
              ("assign", "Final-year project file",
               "<p>Upload your final file (PDF, 20 pages at most) or the link to your presentation video. State "
               "your exact role in the team.</p>", "either")]),
        ]),
    ],
}

PREP = {
    "code": "AUDIO-FSR-PREP",
    "slug": "audio-fsr-prep",
    "section": "flow-stage",
    "kind": "certification_prep",
    "level": "professional",
    "year": None,
    "ects": D("3"),
    "price": None,
    "open": True,
    "title": ("Préparation Audio Engineer — Flow Stage Ready", "Audio Engineer — Flow Stage Ready preparation"),
    "summary": (
        "Le parcours de préparation de la certification Audio Engineer « Flow Stage Ready » : standards "
        "techniques, business du freelance et mise en situation pratique, en 38 heures.",
        "The preparation path for the Audio Engineer “Flow Stage Ready” certification: technical standards, "
        "the business of freelancing and hands-on practice, in 38 hours.",
    ),
    "scheme": [],
    "pass_mark": "75",
    "units": [
        ("module-technique", "Module technique", "Technical module", [
            ("standards-industry-flow-stage", "Standards industry Flow Stage", "Flow Stage industry standards", "4",
             "Appliquer les conventions de patch et de nommage\nRespecter les niveaux et la sécurité auditive\n"
             "Documenter une installation",
             "Apply patching and naming conventions\nRespect levels and hearing safety\nDocument a setup",
             [("p", "Sur une prestation Flow Stage, n'importe quel technicien doit pouvoir reprendre votre poste. "
                    "Cela suppose des conventions partagées : patch dans l'ordre batterie, basse, guitares, claviers, "
                    "voix ; nommage identique sur la console, le stagebox et le multipiste ; étiquetage des deux "
                    "côtés de chaque câble."),
              ("p", "En France, le décret de 2017 sur les sons amplifiés impose de ne pas dépasser 102 dB(A) et "
                    "118 dB(C) sur 15 minutes, d'enregistrer les niveaux et de mettre des protections auditives à "
                    "disposition du public. Le mesureur fait partie du kit façade."),
              ("tip", "Standard Flow Stage", "Un patch list à jour, imprimé à la console et au plateau, et un "
                                             "fichier de show sauvegardé en deux endroits avant les portes.")],
             [("p", "On a Flow Stage job, any technician must be able to take over your position. That requires "
                    "shared conventions: patch in the order drums, bass, guitars, keys, vocals; identical names on "
                    "the desk, the stagebox and the multitrack; labels at both ends of every cable."),
              ("p", "In France, the 2017 decree on amplified sound sets limits of 102 dB(A) and 118 dB(C) over 15 "
                    "minutes, requires levels to be recorded and hearing protection to be offered to the audience. "
                    "The sound level meter is part of the FOH kit."),
              ("tip", "Flow Stage standard", "An up-to-date input list, printed at the desk and on stage, and a "
                                             "show file saved in two places before doors.")]),
            ("workflow-live-vs-studio", "Workflow live vs studio", "Live vs studio workflow", "6",
             "Comparer les contraintes du live et du studio\nOrganiser une captation multipiste\n"
             "Passer d'une session live à un mix studio",
             "Compare live and studio constraints\nOrganise a multitrack recording\nTake a live session to a studio mix",
             [("p", "En studio, le temps sert la qualité : on peut refaire une prise, essayer trois micros, "
                    "corriger au montage. En live, l'instant prime : une seule chance, de la repisse partout, un "
                    "public qui absorbe les aigus. Le bon réflexe live est de simplifier : moins de traitements, "
                    "des choix de micros éprouvés, une structure de console lisible."),
              ("p", "La captation multipiste d'un concert (via Dante ou MADI) fait le pont entre les deux mondes : "
                    "elle permet le virtual soundcheck le lendemain, et un mix studio pour la diffusion."),
              ("warning", "Horloge", "Une seule horloge maître sur le réseau audio. Deux maîtres, et vous "
                                     "enregistrez des clics inaudibles en direct mais bien présents au mix.")],
             [("p", "In the studio, time serves quality: you can retake, try three microphones, fix it in the edit. "
                    "Live, the moment rules: one chance, spill everywhere, an audience that soaks up the highs. The "
                    "right live reflex is to simplify: less processing, proven microphone choices, a readable desk "
                    "layout."),
              ("p", "Multitrack recording of a concert (over Dante or MADI) bridges both worlds: it allows a "
                    "virtual soundcheck the next day, and a studio mix for broadcast."),
              ("warning", "Clock", "One master clock on the audio network. Two masters, and you record clicks "
                                   "that are inaudible live but clearly present in the mix.")]),
            ("collaboration-artiste-lieu", "Collaboration artiste/lieu", "Working with artists and venues", "4",
             "Conduire un advance technique\nGérer les attentes de l'artiste\nTravailler avec l'équipe d'accueil",
             "Run a technical advance\nManage the artist's expectations\nWork with the house crew",
             [("p", "L'advance est l'appel ou l'échange d'e-mails qui précède la date : vous confirmez avec le lieu "
                    "le matériel, l'alimentation électrique, les horaires et les besoins particuliers (retours "
                    "in-ear, vidéo, pyrotechnie). Notez tout par écrit, dans un document partagé."),
              ("p", "Le jour J, l'équipe d'accueil connaît son lieu mieux que vous. Présentez-vous, écoutez ses "
                    "recommandations sur l'acoustique et les limites de niveau, et gardez les demandes de l'artiste "
                    "raisonnables et priorisées.")],
             [("p", "The advance is the call or e-mail exchange before the show: you confirm with the venue the "
                    "equipment, the power supply, the times and any special needs (in-ear monitors, video, "
                    "pyrotechnics). Write everything down in a shared document."),
              ("p", "On the day, the house crew knows its venue better than you do. Introduce yourself, listen to "
                    "their advice on the acoustics and the level limits, and keep the artist's requests reasonable "
                    "and prioritised.")]),
            ("gestion-materiel-backline", "Gestion matériel et backline", "Equipment and backline management", "6",
             "Préparer et vérifier un kit au dépôt\nGérer la backline d'un plateau partagé\nSuivre l'entretien",
             "Prepare and check a kit at the warehouse\nManage backline on a shared stage\nTrack maintenance",
             [("p", "Un kit se prépare au dépôt avec une liste de colisage : chaque flight case est numéroté, "
                    "chaque câble testé. Au retour, on note les pannes sur la fiche du matériel pour que la "
                    "réparation soit faite avant la prochaine sortie."),
              ("p", "Sur un festival, la backline partagée (batterie, amplis, claviers) tourne entre plusieurs "
                    "groupes. Les changements de plateau se préparent sur des praticables à roulettes, pré-câblés "
                    "et pré-patchés pendant le set précédent."),
              ("tip", "Astuce", "Une bande de gaffer de couleur par groupe sur les pieds de micro et les câbles "
                                "accélère les changements de plateau.")],
             [("p", "A kit is prepared at the warehouse from a packing list: every flight case is numbered, every "
                    "cable tested. On return, faults are written on the equipment record so the repair is done "
                    "before the next job."),
              ("p", "At a festival, shared backline (drums, amps, keyboards) rotates between several bands. "
                    "Changeovers are prepared on rolling risers, pre-wired and pre-patched during the previous set."),
              ("tip", "Tip", "One colour of gaffer tape per band on mic stands and cables speeds up changeovers.")]),
        ]),
        ("module-business", "Module business", "Business module", [
            ("freelance-intermittence", "Freelance & intermittence", "Freelancing and intermittent status", "4",
             "Comprendre le régime de l'intermittence\nChoisir entre salariat et statut indépendant\n"
             "Tenir ses déclarations à jour",
             "Understand the intermittent scheme\nChoose between employment and self-employment\n"
             "Keep your declarations up to date",
             [("p", "La plupart des techniciens du spectacle travaillent en CDD d'usage et relèvent de l'annexe 8 "
                    "de l'assurance chômage : 507 heures sur 12 mois ouvrent des droits. Chaque contrat donne lieu "
                    "à une attestation employeur ; conservez-les toutes."),
              ("p", "Le statut de micro-entrepreneur convient à certaines prestations (location de matériel, "
                    "formation), mais les heures facturées ne comptent pas pour l'intermittence. Beaucoup de "
                    "techniciens combinent les deux : sachez ce que vous facturez et sous quel statut.")],
             [("p", "Most live-event technicians in France work on short “usage” contracts and fall under annex 8 "
                    "of unemployment insurance: 507 hours over 12 months open entitlements. Each contract comes with "
                    "an employer certificate; keep all of them."),
              ("p", "Self-employed (micro-entrepreneur) status suits some services (equipment hire, training), but "
                    "invoiced hours do not count towards the intermittent scheme. Many technicians combine both: "
                    "know what you invoice and under which status.")]),
            ("negociation-tarifs", "Négociation tarifs", "Negotiating rates", "3",
             "Connaître les grilles conventionnelles\nChiffrer une prestation complète\nNégocier sans brader",
             "Know the collective-agreement scales\nCost a complete job\nNegotiate without underselling",
             [("p", "Les conventions collectives (prestataires techniques, entreprises artistiques et culturelles) "
                    "fixent des salaires minima par fonction. Ils constituent un plancher, pas un tarif : votre "
                    "expérience, le matériel que vous apportez et les contraintes de la date justifient plus."),
              ("p", "Chiffrez toujours la prestation complète : préparation, trajets, montage, exploitation, "
                    "démontage, défraiements. Proposez des options plutôt qu'une remise.")],
             [("p", "Collective agreements (technical providers, artistic and cultural companies) set minimum wages "
                    "per role. They are a floor, not a rate: your experience, the equipment you bring and the "
                    "constraints of the show justify more."),
              ("p", "Always cost the whole job: preparation, travel, load-in, show, load-out, expenses. Offer "
                    "options rather than a discount.")]),
            ("reseau-professionnel", "Réseau professionnel", "Professional network", "3",
             "Entretenir son réseau\nValoriser son profil Flow Stage\nObtenir des recommandations",
             "Maintain your network\nShowcase your Flow Stage profile\nGet recommendations",
             [("p", "Dans le spectacle, la majorité des contrats viennent d'une recommandation. Après chaque date, "
                    "remerciez le régisseur et gardez ses coordonnées ; un message bref quelques mois plus tard vaut "
                    "mieux qu'une candidature spontanée."),
              ("p", "Votre profil Flow Stage rassemble vos certifications vérifiables, votre portfolio et vos "
                    "disponibilités : tenez-le à jour après chaque projet marquant.")],
             [("p", "In live events, most contracts come from a recommendation. After each show, thank the "
                    "production manager and keep their details; a short message a few months later is worth more "
                    "than an unsolicited application."),
              ("p", "Your Flow Stage profile brings together your verifiable certifications, your portfolio and "
                    "your availability: update it after each notable project.")]),
        ]),
        ("evaluation-pratique", "Évaluation pratique", "Practical assessment", [
            ("setup-live-simule", "Setup live simulé", "Simulated live setup", "4",
             "Installer un système complet en temps limité\nRéaliser un line check méthodique\nLivrer un son de façade propre",
             "Install a complete system in limited time\nRun a methodical line check\nDeliver a clean FOH sound",
             [("p", "En binôme, vous installez un plateau de quatre musiciens : patch, retours, système de "
                    "diffusion, calage rapide et line check. Le temps est limité à 90 minutes, comme sur un festival."),
              ("assign", "Fiche de setup",
               "<p>Déposez votre patch list, votre plan de scène et une photo de votre console en fin de setup "
               "(PDF ou images dans une archive ZIP).</p>", "file")],
             [("p", "In pairs, you set up a four-piece band: patch, monitors, PA system, quick tuning and line "
                    "check. Time is limited to 90 minutes, as at a festival."),
              ("assign", "Setup sheet",
               "<p>Upload your input list, your stage plot and a photo of your desk at the end of setup (PDF or "
               "images in a ZIP archive).</p>", "file")]),
            ("resolution-problemes-techniques", "Résolution problèmes techniques", "Technical troubleshooting", "2",
             "Diagnostiquer une panne méthodiquement\nCommuniquer pendant l'incident",
             "Diagnose a fault methodically\nCommunicate during an incident",
             [("p", "Un micro ne passe plus : suivez le signal de la source vers la sortie. Micro, câble, "
                    "alimentation fantôme, stagebox, canal, routing, bus. Changez un élément à la fois et annoncez "
                    "ce que vous faites sur l'intercom."),
              ("tip", "Méthode", "Avant de toucher quoi que ce soit : qu'est-ce qui a changé depuis que ça "
                                 "marchait ?")],
             [("p", "A microphone stops working: follow the signal from the source to the output. Mic, cable, "
                    "phantom power, stagebox, channel, routing, bus. Change one thing at a time and announce what "
                    "you are doing on the intercom."),
              ("tip", "Method", "Before touching anything: what has changed since it last worked?")]),
            ("communication-client", "Communication client", "Client communication", "2",
             "Reformuler une demande\nAnnoncer un problème et sa solution\nClôturer une prestation",
             "Rephrase a request\nAnnounce a problem and its solution\nClose a job",
             [("p", "Le client — artiste, organisateur, agence — ne parle pas forcément technique. Reformulez sa "
                    "demande avec ses mots, proposez une solution et un délai, puis confirmez par écrit."),
              ("p", "En fin de prestation, un court compte rendu (ce qui a été fait, incidents, recommandations) "
                    "transforme un bon travail en relation durable.")],
             [("p", "The client — artist, promoter, agency — may not speak technical language. Rephrase their "
                    "request in their words, offer a solution and a time frame, then confirm in writing."),
              ("p", "At the end of the job, a short report (what was done, incidents, recommendations) turns good "
                    "work into a lasting relationship.")]),
        ]),
    ],
}

FOH = {
    "code": "FC-FOH-01",
    "slug": "mixage-facade-live",
    "section": "flow-stage",
    "kind": "continuing",
    "level": "intermediate",
    "year": None,
    "ects": D("0"),
    "price": D("199.00"),
    "open": True,
    "title": ("Mixage façade live : méthode et gain staging", "Live front-of-house mixing: method and gain staging"),
    "summary": (
        "Formation continue post-diplôme pour les techniciens son : structurer sa console, régler ses gains, "
        "égaliser et compresser en façade, et mener une balance efficace.",
        "Post-graduate continuing education for sound technicians: structure your desk, set your gains, EQ and "
        "compress at front of house, and run an efficient soundcheck.",
    ),
    "scheme": [], "pass_mark": "50",
    "units": [
        ("preparer-le-mix", "Module 1 — Préparer le mix", "Module 1 — Preparing the mix", [
            ("gain-staging", "Gain staging et structure de console", "Gain staging and desk layout", "2",
             "Régler les préamplis avec une marge suffisante\nOrganiser groupes et DCA",
             "Set preamps with enough headroom\nOrganise groups and DCAs",
             [("p", "Sur une console numérique, visez des crêtes autour de −18 à −12 dBFS à l'entrée : la marge "
                    "absorbe l'énergie d'un batteur qui se réveille au deuxième morceau. Regroupez ensuite vos "
                    "sources en DCA (batterie, instruments, voix, effets) pour mixer avec huit faders plutôt que "
                    "quarante."),
              ("tip", "Réflexe", "Le gain se règle sur le préampli, pas au fader : un fader autour de 0 dB donne "
                                 "la meilleure résolution.")],
             [("p", "On a digital desk, aim for input peaks around −18 to −12 dBFS: the headroom absorbs a drummer "
                    "who wakes up on the second song. Then group your sources into DCAs (drums, instruments, "
                    "vocals, effects) to mix with eight faders rather than forty."),
              ("tip", "Reflex", "Gain is set on the preamp, not the fader: a fader around 0 dB gives the best "
                                "resolution.")]),
            ("egalisation-dynamique", "Égalisation et dynamique en façade", "EQ and dynamics at front of house", "3",
             "Nettoyer le bas du spectre\nCompresser sans écraser",
             "Clean up the low end\nCompress without squashing",
             [("p", "Commencez par un filtre passe-haut sur chaque source qui n'a rien à faire dans le grave. "
                    "Creusez plutôt que d'accentuer, et écoutez le résultat dans le mix, pas en solo."),
              ("p", "Sur la voix, un compresseur à ratio modéré (3:1) et une réduction de 3 à 6 dB suffisent "
                    "souvent. Plus, et la voix perd sa présence devant la batterie.")],
             [("p", "Start with a high-pass filter on every source that has no business in the low end. Cut rather "
                    "than boost, and listen in the mix, not in solo."),
              ("p", "On vocals, a moderate ratio (3:1) and 3 to 6 dB of gain reduction are often enough. More, and "
                    "the voice loses its presence over the drums.")]),
        ]),
        ("le-concert", "Module 2 — Le concert", "Module 2 — The show", [
            ("balance-line-check", "Balance et line check efficaces", "Efficient soundcheck and line check", "2",
             "Mener un line check rapide\nConduire une balance par étapes",
             "Run a quick line check\nLead a soundcheck step by step",
             [("p", "Le line check vérifie que chaque ligne arrive, dans l'ordre du patch, sans jouer. La balance "
                    "vient ensuite : retours d'abord, façade ensuite, en faisant jouer un morceau court et "
                    "représentatif plutôt que chaque instrument seul pendant dix minutes.")],
             [("p", "The line check verifies that every line arrives, in patch order, without playing. The "
                    "soundcheck comes next: monitors first, then front of house, with a short and representative "
                    "song rather than each instrument alone for ten minutes.")]),
            ("mixer-un-concert", "Mixer un concert : priorités et sécurité", "Mixing a show: priorities and safety",
             "3",
             "Hiérarchiser le mix en direct\nSurveiller les niveaux réglementaires",
             "Prioritise the mix live\nMonitor regulatory levels",
             [("p", "Pendant le concert, la voix principale est la priorité absolue, puis le rythme. Gardez un œil "
                    "sur le mesureur de niveau : le public ne doit pas payer votre enthousiasme de ses oreilles."),
              ("assign", "Enregistrement commenté",
               "<p>Envoyez le lien vers un enregistrement de votre mix (extrait de 5 minutes) avec vos "
               "commentaires : ce que vous referiez autrement.</p>", "link")],
             [("p", "During the show, the lead vocal is the absolute priority, then the rhythm section. Keep an eye "
                    "on the level meter: the audience must not pay for your enthusiasm with their ears."),
              ("assign", "Commented recording",
               "<p>Send the link to a recording of your mix (5-minute excerpt) with your comments: what you would "
               "do differently.</p>", "link")]),
        ]),
    ],
}

LIGHT = {
    "code": "FC-LUM-01",
    "slug": "eclairage-led-dmx",
    "section": "flow-stage",
    "kind": "continuing",
    "level": "intermediate",
    "year": None,
    "ects": D("0"),
    "price": D("199.00"),
    "open": True,
    "title": ("Éclairage scénique LED et DMX", "LED stage lighting and DMX"),
    "summary": (
        "Formation continue post-diplôme pour éclairagistes et régisseurs : sources LED, protocole DMX et RDM, "
        "réseaux Art-Net et sACN, et programmation d'une conduite.",
        "Post-graduate continuing education for lighting technicians and stage managers: LED sources, DMX and "
        "RDM, Art-Net and sACN networks, and programming a cue list.",
    ),
    "scheme": [], "pass_mark": "50",
    "units": [
        ("bases", "Module 1 — Bases", "Module 1 — Basics", [
            ("sources-led", "Sources LED : couleur, IRC et scintillement", "LED sources: colour, CRI and flicker", "2",
             "Comparer les moteurs LED\nÉviter le scintillement à la caméra",
             "Compare LED engines\nAvoid flicker on camera",
             [("p", "Un projecteur LED RGBW ne rend pas les peaux comme une source à large spectre : regardez "
                    "l'IRC (ou mieux, le TLCI pour la vidéo) avant de choisir un parc pour un concert filmé. Réglez "
                    "la fréquence PWM au-dessus de la vitesse d'obturation des caméras pour éviter les bandes."),
              ("tip", "Test simple", "Filmez le projecteur avec un smartphone au ralenti : si l'image scintille, "
                                     "la caméra de la captation le verra aussi.")],
             [("p", "An RGBW LED fixture does not render skin like a broad-spectrum source: check the CRI (or better, "
                    "the TLCI for video) before choosing fixtures for a filmed concert. Set the PWM frequency above "
                    "the cameras' shutter speed to avoid banding."),
              ("tip", "Simple test", "Film the fixture with a smartphone in slow motion: if the picture flickers, "
                                     "the broadcast camera will see it too.")]),
            ("dmx-rdm", "DMX512 et RDM : adressage et câblage", "DMX512 and RDM: addressing and cabling", "3",
             "Adresser un parc de projecteurs\nCâbler une ligne DMX fiable",
             "Address a set of fixtures\nWire a reliable DMX line",
             [("p", "Une ligne DMX transporte 512 canaux. Chaque projecteur occupe un nombre de canaux fixé par son "
                    "mode ; son adresse de départ doit éviter tout chevauchement. Utilisez du câble 110 Ω, au plus 32 "
                    "appareils par ligne sans splitter, et une terminaison en bout de ligne."),
              ("p", "Le RDM permet de lire et de modifier l'adresse des projecteurs depuis la console, sans monter "
                    "dans les ponts.")],
             [("p", "A DMX line carries 512 channels. Each fixture uses a number of channels set by its mode; its "
                    "start address must not overlap another. Use 110 Ω cable, at most 32 devices per line without a "
                    "splitter, and a terminator at the end of the line."),
              ("p", "RDM lets you read and change fixture addresses from the desk, without climbing the trusses.")]),
        ]),
        ("programmation", "Module 2 — Programmation", "Module 2 — Programming", [
            ("programmer-une-conduite", "Programmer une conduite sur console", "Programming a cue list on a desk", "3",
             "Construire palettes et presets\nÉcrire une conduite lisible",
             "Build palettes and presets\nWrite a readable cue list",
             [("p", "Travaillez avec des palettes (couleurs, positions, faisceaux) plutôt qu'avec des valeurs "
                    "brutes : quand le lieu change, vous corrigez une position une fois et toute la conduite suit. "
                    "Nommez chaque mémoire d'après le moment du spectacle, pas d'après son numéro.")],
             [("p", "Work with palettes (colours, positions, beams) rather than raw values: when the venue changes, "
                    "you fix a position once and the whole cue list follows. Name each cue after the moment in the "
                    "show, not its number.")]),
            ("reseau-lumiere", "Réseau lumière : Art-Net et sACN", "Lighting networks: Art-Net and sACN", "2",
             "Distribuer plusieurs univers sur Ethernet\nSéparer réseau lumière et réseau audio",
             "Distribute several universes over Ethernet\nSeparate lighting and audio networks",
             [("p", "Au-delà de quelques univers, le DMX passe sur Ethernet : Art-Net ou sACN (ANSI E1.31), que "
                    "des nœuds reconvertissent en DMX près des projecteurs. Gardez le réseau lumière séparé du "
                    "réseau audio (VLAN distincts) pour qu'un flot de multicast ne fasse pas décrocher le Dante.")],
             [("p", "Beyond a few universes, DMX travels over Ethernet: Art-Net or sACN (ANSI E1.31), converted back "
                    "to DMX by nodes near the fixtures. Keep the lighting network separate from the audio network "
                    "(distinct VLANs) so that a multicast flood does not knock out Dante.")]),
        ]),
    ],
}

COURSES = [IM40, PREP, FOH, LIGHT]
