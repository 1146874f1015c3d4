<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../popgui/gui/account_pages.py" line="+66"/>
        <source>TLS: encrypted from the start (port 995)</source>
        <translation>TLS&#xa0;: chiffré dès le début (port 995)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STARTTLS: upgrade, never fall back (port 110)</source>
        <translation>STARTTLS&#xa0;: chiffrement négocié, sans repli (port 110)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>None: unencrypted</source>
        <translation>Aucune&#xa0;: non chiffré</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic: the strongest the server offers</source>
        <translation>Automatique&#xa0;: la plus sûre que le serveur propose</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>USER/PASS (password sent as is)</source>
        <translation>USER/PASS (mot de passe envoyé tel quel)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>APOP (MD5 challenge)</source>
        <translation>APOP (défi MD5)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>XOAUTH2: OAuth2 access token</source>
        <translation>XOAUTH2&#xa0;: jeton d’accès OAuth2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Keep it on the server</source>
        <translation>Le laisser sur le serveur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete it from the server once it is safe here</source>
        <translation>Le supprimer du serveur une fois en sécurité ici</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete it from the server after some days</source>
        <translation>Le supprimer du serveur après quelques jours</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_dialog.py" line="+161"/>
        <source>The password contains a line break or a NUL character, which POP cannot send.</source>
        <translation>Le mot de passe contient un saut de ligne ou un caractère NUL, que POP ne peut pas transmettre.</translation>
    </message>
    <message>
        <location line="+35"/>
        <location line="+53"/>
        <source>Add account</source>
        <translation>Ajouter un compte</translation>
    </message>
    <message>
        <location line="-51"/>
        <source>Edit account {account}</source>
        <translation>Modifier le compte {account}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Other server: enter its settings below</source>
        <translation>Autre serveur&#xa0;: saisissez ses paramètres ci-dessous</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_pages.py" line="-6"/>
        <source>OAuth2: sign in in the browser</source>
        <translation>OAuth2&#xa0;: connexion dans le navigateur</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>a short name, e.g. work</source>
        <translation>un nom court, par ex. travail</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the login name, often the full e-mail address</source>
        <translation>l’identifiant, souvent l’adresse électronique complète</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pass&amp;word:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kept in the system keyring, never in the settings file</source>
        <translation>Conservé dans le trousseau du système, jamais dans le fichier de paramètres</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Password &amp;command:</source>
        <translation>&amp;Commande du mot de passe&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A command that prints the password, e.g. pass show mail/work</source>
        <translation>Une commande qui affiche le mot de passe, par ex. pass show mail/travail</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>e.g. pass show mail/work</source>
        <translation>par ex. pass show mail/travail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password in a &amp;file:</source>
        <translation>Mot de passe dans un &amp;fichier&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kept in a file of popgui&apos;s profile that only you can read</source>
        <translation>Gardé dans un fichier du profil de popgui que vous seul pouvez lire</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The password will be kept in a file that only you can read, not in a keyring: anyone who can read your files, or a copy of them (a backup), can read it. Prefer a keyring or a password command where you can.</source>
        <translation>Le mot de passe sera gardé dans un fichier que vous seul pouvez lire, et non dans un trousseau&#xa0;: quiconque peut lire vos fichiers, ou une copie de ceux-ci (une sauvegarde), peut le lire. Préférez un trousseau ou une commande du mot de passe quand vous le pouvez.</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>No system keyring is running on this computer, so popgui has no safe place to keep a password. Either install and unlock a keyring (GNOME Keyring or KWallet), then open this window again, or give a password command above: a command that prints the password, e.g. pass show mail/work. Or, knowingly, keep the password in a file that only you can read.</source>
        <translation>Aucun trousseau système ne fonctionne sur cet ordinateur&#xa0;: popgui n’a donc aucun endroit sûr où garder un mot de passe. Installez et déverrouillez un trousseau (GNOME Keyring ou KWallet), puis rouvrez cette fenêtre, ou indiquez ci-dessus une commande du mot de passe&#xa0;: une commande qui affiche le mot de passe, par exemple pass show mail/travail. Ou bien, en connaissance de cause, gardez le mot de passe dans un fichier que vous seul pouvez lire.</translation>
    </message>
    <message>
        <location line="-55"/>
        <source>Sign-in:</source>
        <translation>Connexion&#xa0;:</translation>
    </message>
    <message>
        <location line="-152"/>
        <source>Kerberos (your ticket)</source>
        <translation>Kerberos (votre ticket)</translation>
    </message>
    <message>
        <location line="+242"/>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the default mailbox</source>
        <translation>la boîte aux lettres par défaut</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chec&amp;k for new mail every</source>
        <translation>&amp;Vérifier le courrier toutes les</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> minutes</source>
        <translation> minutes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>De&amp;lete a message on the server too when I move it to Trash here</source>
        <translation>&amp;Supprimer aussi du serveur ce que je mets ici à la corbeille</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Mail&amp;dir:</source>
        <translation>Mail&amp;dir&#xa0;:</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>only for a server whose authority is not known</source>
        <translation>seulement pour un serveur dont l’autorité n’est pas connue</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Br&amp;owse…</source>
        <translation>Pa&amp;rcourir…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SHA-256, e.g. ab:cd:ef:…</source>
        <translation>SHA-256, par ex. ab:cd:ef:…</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Te&amp;st connection</source>
        <translation>Tester la conne&amp;xion</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Test connection shows here what the server offers: encryption, certificate, capabilities and login methods. Nothing is downloaded or deleted.</source>
        <translation>«&#xa0;Tester la connexion&#xa0;» affiche ici ce que propose le serveur&#xa0;: chiffrement, certificat, capacités et méthodes d’identification. Rien n’est téléchargé ni supprimé.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>T&amp;rust this certificate…</source>
        <translation>&amp;Faire confiance à ce certificat…</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_dialog.py" line="+32"/>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Pro&amp;vider:</source>
        <translation>&amp;Fournisseur&#xa0;:</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_pages.py" line="-219"/>
        <source>&amp;Name:</source>
        <translation>&amp;Nom&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Host:</source>
        <translation>&amp;Serveur&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Port:</source>
        <translation>&amp;Port&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pro&amp;tocol:</source>
        <translation>Pro&amp;tocole&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;ecurity:</source>
        <translation>S&amp;écurité&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User name:</source>
        <translation>&amp;Identifiant&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Login &amp;method:</source>
        <translation>Mét&amp;hode d’identification&#xa0;:</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>No system keyring is running on this computer, and an OAuth2 sign-in keeps its tokens (and a client secret) only there. Install and unlock a keyring (GNOME Keyring or KWallet), then open this window again.</source>
        <translation>Aucun trousseau système ne fonctionne sur cet ordinateur, et une connexion OAuth2 ne garde ses jetons (et un secret client) que là. Installez et déverrouillez un trousseau (GNOME Keyring ou KWallet), puis rouvrez cette fenêtre.</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>&amp;After downloading:</source>
        <translation>&amp;Après téléchargement&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Remote &amp;folder (POP2):</source>
        <translation>&amp;Dossier distant (POP2)&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Periodic check:</source>
        <translation>Relève périodique&#xa0;:</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>&amp;CA certificate file:</source>
        <translation>Fichier de l’&amp;autorité (CA)&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Fingerprint:</source>
        <translation>&amp;Empreinte&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Normally leave both empty: the server&apos;s certificate is checked against the authorities this computer trusts. A fingerprint trusts exactly one certificate (for a self-signed one); Test connection can fill it in for you.</source>
        <translation>Laissez normalement les deux champs vides&#xa0;: le certificat du serveur est vérifié auprès des autorités auxquelles cet ordinateur fait confiance. Une empreinte accorde la confiance à un seul certificat précis (pour un certificat auto-signé)&#xa0;; «&#xa0;Tester la connexion&#xa0;» peut la remplir pour vous.</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_dialog.py" line="-53"/>
        <source>Server and login</source>
        <translation>Serveur et identification</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+323"/>
        <source>Mail</source>
        <translation>Courrier</translation>
    </message>
    <message>
        <location line="-322"/>
        <location line="+324"/>
        <source>Certificate</source>
        <translation>Certificat</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_pages.py" line="+26"/>
        <source>Connection test</source>
        <translation>Test de connexion</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_dialog.py" line="+175"/>
        <source>leave empty to keep the stored password</source>
        <translation>laisser vide pour garder le mot de passe enregistré</translation>
    </message>
    <message>
        <location line="-332"/>
        <source>{port} (default)</source>
        <translation>{port} (par défaut)</translation>
    </message>
    <message>
        <location line="-164"/>
        <location line="+320"/>
        <source>Proxy</source>
        <translation>Proxy</translation>
    </message>
    <message>
        <location line="-318"/>
        <location line="+317"/>
        <source>Deliver to</source>
        <translation>Distribution</translation>
    </message>
    <message>
        <location line="-152"/>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>default: {folder}</source>
        <translation>par défaut&#xa0;: {folder}</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_pages.py" line="-54"/>
        <source>Folder for this account&apos;s mail</source>
        <translation>Dossier du courrier de ce compte</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Certificate authority file</source>
        <translation>Fichier de l’autorité de certification</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificats (*.pem *.crt *.cer);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location line="-144"/>
        <source>no password: the account signs in</source>
        <translation>pas de mot de passe&#xa0;: le compte se connecte</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_dialog.py" line="+111"/>
        <source>A client secret belongs to the client id of your own app: enter that client id too (or leave the secret empty).</source>
        <translation>Un secret client va avec l’identifiant client de votre propre application&#xa0;: saisissez aussi cet identifiant (ou laissez le secret vide).</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>(See the {tab} tab.)</source>
        <translation>(Voir l’onglet {tab}.)</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_pages.py" line="+188"/>
        <source>Connecting to {address}…</source>
        <translation>Connexion à {address}…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The test gave no result.</source>
        <translation>Le test n’a donné aucun résultat.</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_dialog.py" line="+109"/>
        <source>Saving the client secret…</source>
        <translation>Enregistrement du secret client…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saving the password…</source>
        <translation>Enregistrement du mot de passe…</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>no password is stored: type it here</source>
        <translation>aucun mot de passe enregistré&#xa0;: tapez-le ici</translation>
    </message>
    <message>
        <location line="+6"/>
        <location filename="../../popgui/gui/sign_in.py" line="+265"/>
        <source>no system keyring: see below</source>
        <translation>pas de trousseau système&#xa0;: voir ci-dessous</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose “Password command” instead (e.g. pass show mail/work), or install and unlock a keyring (GNOME Keyring or KWallet) and press Save again.</source>
        <translation>Choisissez plutôt «&#xa0;Commande du mot de passe&#xa0;» (par exemple pass show mail/travail), ou installez et déverrouillez un trousseau (GNOME Keyring ou KWallet) puis appuyez de nouveau sur Enregistrer.</translation>
    </message>
    <message>
        <location line="-101"/>
        <source>Signed in. Press {button} to keep the account.</source>
        <translation>Connecté. Appuyez sur «&#xa0;{button}&#xa0;» pour garder le compte.</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/connection_report.py" line="+48"/>
        <source>Some providers (Gmail, Yahoo) want an app password here, Microsoft an OAuth2 token.</source>
        <translation>Certains fournisseurs (Gmail, Yahoo) demandent ici un mot de passe d’application, Microsoft un jeton OAuth2.</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_dialog.py" line="+108"/>
        <source>The system keyring is locked, so the password could not be saved. Unlock it (log in to the desktop or open your keyring manager) and press Save again.</source>
        <translation>Le trousseau du système est verrouillé&#xa0;: le mot de passe n’a pas pu être enregistré. Déverrouillez-le (en ouvrant une session sur le bureau ou avec votre gestionnaire de trousseau), puis cliquez de nouveau sur Enregistrer.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No system keyring is available to keep the password.</source>
        <translation>Aucun trousseau système n’est disponible pour conserver le mot de passe.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>no answer from the keyring</source>
        <translation>aucune réponse du trousseau</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The password could not be saved: {reason}.</source>
        <translation>Le mot de passe n’a pas pu être enregistré&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/connection_report.py" line="+12"/>
        <source>Certificate not trusted</source>
        <translation>Certificat non reconnu</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Test failed</source>
        <translation>Échec du test</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Connected and logged in.</source>
        <translation>Connecté et identifié.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connected.</source>
        <translation>Connecté.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The login was not tried.</source>
        <translation>L’identification n’a pas été tentée.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Certificate not trusted:</source>
        <translation>Certificat non reconnu&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Problem:</source>
        <translation>Problème&#xa0;:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Protocol</source>
        <translation>Protocole</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security</source>
        <translation>Sécurité</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Greeting</source>
        <translation>Accueil</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cipher</source>
        <translation>Chiffrement</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Issued to</source>
        <translation>Délivré à</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by</source>
        <translation>Délivré par</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid</source>
        <translation>Validité</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Trusted</source>
        <translation>Reconnu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>by its pinned fingerprint</source>
        <translation>par son empreinte enregistrée</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Encryption</source>
        <translation>Chiffrement</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Capabilities (CAPA)</source>
        <translation>Capacités (CAPA)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Automatic would use {method}.</source>
        <translation>Le mode automatique utiliserait {method}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Login methods offered</source>
        <translation>Méthodes d’identification proposées</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Succeeded with {method}.</source>
        <translation>Réussie avec {method}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Succeeded.</source>
        <translation>Réussie.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refused.</source>
        <translation>Refusée.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Login</source>
        <translation>Identification</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Notes</source>
        <translation>Remarques</translation>
    </message>
</context>
<context>
    <name>AccountListModel</name>
    <message>
        <location filename="../../popgui/gui/models.py" line="+258"/>
        <source>idle</source>
        <translation>inactif</translation>
    </message>
</context>
<context>
    <name>AccountText</name>
    <message>
        <location line="-97"/>
        <source>checking…</source>
        <translation>relève en cours…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>no new mail</source>
        <translation>aucun nouveau message</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%Ln new</source>
        <translation>
            <numerusform>%Ln nouveau</numerusform>
            <numerusform>%Ln nouveaux</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>error</source>
        <translation>erreur</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <location filename="../../popgui/gui/actions.py" line="+35"/>
        <source>&amp;Save As…</source>
        <translation>Enregistrer &amp;sous…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the message as an .eml file</source>
        <translation>Enregistrer le message dans un fichier .eml</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop every download and quit</source>
        <translation>Arrêter tous les téléchargements et quitter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Find…</source>
        <translation>Rec&amp;hercher…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter the message list</source>
        <translation>Filtrer la liste des messages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select &amp;All</source>
        <translation>&amp;Tout sélectionner</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Undo Delete</source>
        <translation>&amp;Annuler la suppression</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Put the messages just moved to Trash back where they were</source>
        <translation>Remettre à leur place les messages qui viennent d’être mis à la corbeille</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move the selected messages to Trash</source>
        <translation>Mettre les messages sélectionnés à la corbeille</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as &amp;Read</source>
        <translation>Marquer comme &amp;lu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as &amp;Unread</source>
        <translation>Marquer comme &amp;non lu</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Move to Folder…</source>
        <translation>&amp;Déplacer vers un dossier…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>View &amp;Source</source>
        <translation>Afficher la &amp;source</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the raw message</source>
        <translation>Afficher le message brut</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;New Folder…</source>
        <translation>N&amp;ouveau dossier…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Rename Folder…</source>
        <translation>Reno&amp;mmer le dossier…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>De&amp;lete Folder…</source>
        <translation>Supprimer le dossie&amp;r…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language and other settings of the window</source>
        <translation>Langue et autres réglages de la fenêtre</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Reading Pane</source>
        <translation>&amp;Volet de lecture</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show or hide the message under the list</source>
        <translation>Afficher ou masquer le message sous la liste</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On &amp;Server</source>
        <translation>Sur le &amp;serveur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What waits on the server (preview, download, delete there)</source>
        <translation>Ce qui attend sur le serveur (aperçu, téléchargement, suppression sur le serveur)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Get Mail</source>
        <translation>&amp;Relever le courrier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download new mail for every account (F5)</source>
        <translation>Télécharger les nouveaux messages de tous les comptes (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Get Mail for &amp;This Account</source>
        <translation>Relever le courrier de &amp;ce compte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;top</source>
        <translation>&amp;Arrêter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop downloading (Esc)</source>
        <translation>Arrêter le téléchargement (Échap)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Add Account…</source>
        <translation>Ajouter un c&amp;ompte…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit Account…</source>
        <translation>&amp;Modifier le compte…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove Account…</source>
        <translation>Su&amp;pprimer le compte…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;About popgui</source>
        <translation>À &amp;propos de popgui</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Delete &amp;Permanently</source>
        <translation>Supprimer dé&amp;finitivement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the selected messages permanently: they are removed from this computer</source>
        <translation>Supprimer définitivement les messages sélectionnés&#xa0;: ils sont effacés de cet ordinateur</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Account</source>
        <translation>&amp;Compte</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Help</source>
        <translation>A&amp;ide</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Main toolbar</source>
        <translation>Barre d’outils principale</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../popgui/gui/app.py" line="+43"/>
        <source>Demo: popgui is talking to its own local servers (POP3 on {pop3}, POP2 on {pop2}) with sample mail; nothing leaves this computer. Press F5 (Get Mail) to download it. The servers stop when you close the window.</source>
        <translation>Démonstration&#xa0;: popgui dialogue avec ses propres serveurs locaux (POP3 sur {pop3}, POP2 sur {pop2}) qui contiennent des messages d’exemple&#xa0;; rien ne quitte cet ordinateur. Appuyez sur F5 (Relever le courrier) pour les télécharger. Les serveurs s’arrêtent quand vous fermez la fenêtre.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Demo: the sample mail is downloaded. Read it, filter it (Ctrl+F), or look at what waits on the server (On server). The servers stop when you close the window.</source>
        <translation>Démonstration&#xa0;: le courrier d’exemple est téléchargé. Lisez-le, filtrez-le (Ctrl+F) ou regardez ce qui attend sur le serveur (Sur le serveur). Les serveurs s’arrêtent quand vous fermez la fenêtre.</translation>
    </message>
</context>
<context>
    <name>CertificateDialog</name>
    <message>
        <location filename="../../popgui/gui/certificate_dialog.py" line="+103"/>
        <source>The server&apos;s certificate has changed</source>
        <translation>Le certificat du serveur a changé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server&apos;s certificate has expired</source>
        <translation>Le certificat du serveur a expiré</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server&apos;s certificate is not valid yet</source>
        <translation>Le certificat du serveur n’est pas encore valide</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The certificate was made for another server name</source>
        <translation>Le certificat a été établi pour un autre nom de serveur</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No known authority vouches for this certificate</source>
        <translation>Aucune autorité connue ne garantit ce certificat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server&apos;s certificate could not be verified</source>
        <translation>Le certificat du serveur n’a pas pu être vérifié</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This is not the certificate you chose to trust for this server. Someone may be intercepting the connection to read your password and mail. Trust the new certificate only if the server&apos;s administrator told you it changed and its fingerprint matches the one they gave you.</source>
        <translation>Ce n’est pas le certificat auquel vous avez choisi de faire confiance pour ce serveur. Quelqu’un intercepte peut-être la connexion pour lire votre mot de passe et votre courrier. Ne faites confiance au nouveau certificat que si l’administrateur du serveur vous a annoncé ce changement et que l’empreinte correspond à celle qu’il vous a donnée.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server&apos;s administrator should renew it. Trusting it anyway keeps the connection encrypted, but popgui can no longer tell whether it really belongs to this server.</source>
        <translation>L’administrateur du serveur devrait le renouveler. Lui faire confiance malgré tout garde la connexion chiffrée, mais popgui ne peut plus savoir s’il appartient vraiment à ce serveur.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check this computer&apos;s date and time first. If they are right, the certificate was issued for a later date.</source>
        <translation>Vérifiez d’abord la date et l’heure de cet ordinateur. Si elles sont justes, le certificat a été établi pour une date ultérieure.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>You may have typed another name for the same server (the certificate lists the names it is valid for): using one of those names is better than trusting it.</source>
        <translation>Vous avez peut-être saisi un autre nom pour le même serveur (le certificat indique les noms pour lesquels il est valide)&#xa0;: mieux vaut utiliser l’un de ces noms que lui faire confiance.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Small or private servers often use a self-signed certificate. Trust it if you run this server or can compare the fingerprint with its administrator.</source>
        <translation>Les petits serveurs ou les serveurs privés utilisent souvent un certificat auto-signé. Faites-lui confiance si vous gérez ce serveur ou si vous pouvez comparer l’empreinte avec son administrateur.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Trust it only if you can compare the fingerprint with the server&apos;s administrator.</source>
        <translation>Ne lui faites confiance que si vous pouvez comparer l’empreinte avec l’administrateur du serveur.</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Certificate changed</source>
        <translation>Certificat modifié</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Untrusted certificate</source>
        <translation>Certificat non reconnu</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>(unknown)</source>
        <translation>(inconnu)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Issued to:</source>
        <translation>Délivré à&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(not shown by the server)</source>
        <translation>(non indiqué par le serveur)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Issued by:</source>
        <translation>Délivré par&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid from:</source>
        <translation>Valide à partir du&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until:</source>
        <translation>Valide jusqu’au&#xa0;:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Trusted until now
(SHA-256):</source>
        <translation>Reconnue jusqu’ici
(SHA-256)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Presented now
(SHA-256):</source>
        <translation>Présentée maintenant
(SHA-256)&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fingerprint
(SHA-256):</source>
        <translation>Empreinte
(SHA-256)&#xa0;:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Trust the new certificate</source>
        <translation>&amp;Faire confiance au nouveau certificat</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Trust this certificate</source>
        <translation>&amp;Faire confiance à ce certificat</translation>
    </message>
</context>
<context>
    <name>DeliverBox</name>
    <message>
        <location filename="../../popgui/gui/deliver_box.py" line="+122"/>
        <source>This computer: the account&apos;s Maildir</source>
        <translation>Cet ordinateur&#xa0;: le Maildir du compte</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>An IMAP mailbox</source>
        <translation>Une boîte IMAP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An LMTP server</source>
        <translation>Un serveur LMTP</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>A program (MDA)</source>
        <translation>Un programme (MDA)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>An mbox file</source>
        <translation>Un fichier mbox</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Test desti&amp;nation</source>
        <translation>Tester la desti&amp;nation</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>TLS: encrypted from the start (imaps)</source>
        <translation>TLS&#xa0;: chiffré dès le début (imaps)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STARTTLS: upgrade, never fall back</source>
        <translation>STARTTLS&#xa0;: chiffrer ensuite, jamais de repli</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear text allowed: STARTTLS if offered</source>
        <translation>Texte en clair autorisé&#xa0;: STARTTLS s’il est proposé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>often the full e-mail address</source>
        <translation>souvent l’adresse électronique complète</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>kept in the system keyring</source>
        <translation>gardé dans le trousseau du système</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>printed by a command</source>
        <translation>donné par une commande</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>kept in a file only you can read</source>
        <translation>gardé dans un fichier que vous seul pouvez lire</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>none: sign in with OAuth2 (Gmail, Outlook)</source>
        <translation>aucun&#xa0;: connexion OAuth2 (Gmail, Outlook)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>e.g. pass show mail/gmail</source>
        <translation>p. ex. pass show mail/gmail</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>only for a server whose authority is not known</source>
        <translation>seulement pour un serveur dont l’autorité n’est pas connue</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Host:</source>
        <translation>&amp;Serveur&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Port:</source>
        <translation>&amp;Port&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Encryption:</source>
        <translation>&amp;Chiffrement&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User name:</source>
        <translation>&amp;Utilisateur&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pass&amp;word:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sign-in:</source>
        <translation>Connexion&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Folder:</source>
        <translation>D&amp;ossier&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;A file:</source>
        <translation>Fichier d’&amp;AC&#xa0;:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>host:port (port {port} if none), or the socket&apos;s path</source>
        <translation>hôte:port (port {port} si aucun), ou le chemin du socket</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Allow clear text (no STARTTLS)</source>
        <translation>&amp;Autoriser le texte en clair (sans STARTTLS)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Host or socket:</source>
        <translation>&amp;Serveur ou socket&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;cipient:</source>
        <translation>D&amp;estinataire&#xa0;:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Run it through the s&amp;hell</source>
        <translation>Le lancer par le s&amp;hell</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For pipes, quotes and variables in the command; otherwise it is run as is</source>
        <translation>Pour les tubes, guillemets et variables dans la commande&#xa0;; sinon elle est lancée telle quelle</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>default ({seconds} s)</source>
        <translation>par défaut ({seconds} s)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Command:</source>
        <translation>&amp;Commande&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Time &amp;limit per message:</source>
        <translation>&amp;Limite de temps par message&#xa0;:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>e.g. ~/mail/inbox.mbox</source>
        <translation>p. ex. ~/mail/inbox.mbox</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;File:</source>
        <translation>F&amp;ichier&#xa0;:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Deliver to:</source>
        <translation>&amp;Distribuer vers&#xa0;:</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{port} (default)</source>
        <translation>{port} (par défaut)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>A POP2 account delivers into its Maildir only: POP2 gives no message ids to deliver elsewhere exactly once.</source>
        <translation>Un compte POP2 distribue uniquement dans son Maildir&#xa0;: POP2 ne donne pas aux messages d’identifiants qui permettraient de les distribuer ailleurs une seule fois.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mail is kept on this computer, in the Maildir (see the Mail tab).</source>
        <translation>Le courrier est gardé sur cet ordinateur, dans le Maildir (voir l’onglet Courrier).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Each message is handed over there, then (if you chose so) deleted from the server. The Inbox here keeps its sender, subject and date and says where it went; the Maildir (Mail tab) then only holds your Trash and your own folders.</source>
        <translation>Chaque message y est remis, puis (si vous l’avez choisi) supprimé du serveur. La boîte de réception garde ici son expéditeur, son objet et sa date, et indique où il est allé&#xa0;; le Maildir (onglet Courrier) ne contient alors plus que votre corbeille et vos propres dossiers.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>leave empty to keep the stored password</source>
        <translation>laisser vide pour garder le mot de passe enregistré</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Fill in the account first.</source>
        <translation>Remplissez d’abord le compte.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Enter the LMTP server.</source>
        <translation>Saisissez le serveur LMTP.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter the command.</source>
        <translation>Saisissez la commande.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the mbox file.</source>
        <translation>Saisissez le fichier mbox.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter the IMAP server.</source>
        <translation>Saisissez le serveur IMAP.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the IMAP user name.</source>
        <translation>Saisissez le nom d’utilisateur IMAP.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The port is a number.</source>
        <translation>Le port est un nombre.</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>default: {user}</source>
        <translation>par défaut&#xa0;: {user}</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The mbox file to deliver to</source>
        <translation>Le fichier mbox où distribuer</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Testing…</source>
        <translation>Test en cours…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Works: {destination}</source>
        <translation>Fonctionne&#xa0;: {destination}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The test failed unexpectedly ({kind}).</source>
        <translation>Le test a échoué de façon inattendue ({kind}).</translation>
    </message>
</context>
<context>
    <name>DeliverSecrets</name>
    <message>
        <location filename="../../popgui/gui/deliver_secrets.py" line="+107"/>
        <source>The password of the destination could not be saved, so mail cannot be delivered there yet: {reason}</source>
        <translation>Le mot de passe de la destination n’a pas pu être enregistré, le courrier ne peut donc pas encore y être distribué&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The destination&apos;s stored password could not follow its new user or server: {reason}</source>
        <translation>Le mot de passe enregistré de la destination n’a pas pu suivre son nouvel utilisateur ou serveur&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The destination&apos;s password could not be removed from the keyring: {reason}</source>
        <translation>Le mot de passe de la destination n’a pas pu être retiré du trousseau&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <location filename="../../popgui/gui/worker.py" line="+329"/>
        <source>The login was not tried: the account is not signed in (or its sign-in expired). Press Sign in… first.</source>
        <translation>L’identification n’a pas été tentée&#xa0;: le compte n’est pas connecté (ou sa connexion a expiré). Appuyez d’abord sur «&#xa0;Se connecter…&#xa0;».</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The login was not tried: {reason}</source>
        <translation>L’identification n’a pas été tentée&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>FirstSyncBox</name>
    <message>
        <location filename="../../popgui/gui/first_sync_box.py" line="+64"/>
        <source>Download</source>
        <translation>Téléchargement</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All &amp;mail on the server</source>
        <translation>Tout le &amp;courrier du serveur</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only ne&amp;w mail from now on</source>
        <translation>Seulement le &amp;nouveau courrier, à partir de maintenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mail si&amp;nce:</source>
        <translation>Le courrier depuis &amp;le :</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The Maildir already &amp;holds this mail</source>
        <translation>Le &amp;Maildir contient déjà ce courrier</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Another program filled the Maildir chosen above: the first sync recognises the messages already there (by Message-ID, else date, sender and subject) and downloads only the others</source>
        <translation>Un autre programme a rempli le Maildir choisi plus haut&#xa0;: la première relève reconnaît les messages qui s’y trouvent déjà (par Message-ID, sinon par date, expéditeur et objet) et ne télécharge que les autres</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Import downloaded-mail list…</source>
        <translation>&amp;Importer la liste du courrier déjà téléchargé…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mark what another program (mpop, fetchmail, getmail, Thunderbird) already downloaded from this account, so that popgui does not download it again</source>
        <translation>Marquer ce qu’un autre programme (mpop, fetchmail, getmail, Thunderbird) a déjà téléchargé de ce compte, pour que popgui ne le télécharge pas une seconde fois</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>POP2 has no unique message ids, so popgui cannot tell which messages it already has: a POP2 account downloads all its mail.</source>
        <translation>POP2 n’a pas d’identifiants uniques de messages : popgui ne peut pas savoir quels messages il a déjà. Un compte POP2 télécharge tout son courrier.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>First sync: checking…</source>
        <translation>Première relève : vérification…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>First sync: {state}</source>
        <translation>Première relève : {state}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Another program&apos;s list of downloaded mail</source>
        <translation>La liste du courrier téléchargé par un autre programme</translation>
    </message>
    <message numerus="yes">
        <location line="+20"/>
        <source>%Ln message(s) that {program} downloaded will be marked as downloaded when the account is saved.</source>
        <translation>
            <numerusform>%Ln message que {program} a téléchargé sera marqué comme téléchargé à l’enregistrement du compte.</numerusform>
            <numerusform>%Ln messages que {program} a téléchargés seront marqués comme téléchargés à l’enregistrement du compte.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FolderListModel</name>
    <message>
        <location filename="../../popgui/gui/models.py" line="+105"/>
        <source>On server</source>
        <translation>Sur le serveur</translation>
    </message>
</context>
<context>
    <name>FolderText</name>
    <message>
        <location line="+10"/>
        <source>Inbox</source>
        <translation>Boîte de réception</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trash</source>
        <translation>Corbeille</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>What waits on the server: preview, download or delete there</source>
        <translation>Ce qui attend sur le serveur&#xa0;: aperçu, téléchargement ou suppression sur le serveur</translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>%Ln message(s), {unread} unread</source>
        <translation>
            <numerusform>%Ln message, {unread} non lu</numerusform>
            <numerusform>%Ln messages, {unread} non lus</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Formats</name>
    <message>
        <location filename="../../popgui/gui/i18n.py" line="+177"/>
        <source>{size} B</source>
        <translation>{size} o</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{size} KB</source>
        <translation>{size} Ko</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{size} MB</source>
        <translation>{size} Mo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{size} GB</source>
        <translation>{size} Go</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>HH:mm</source>
        <translation>HH:mm</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>d MMM HH:mm</source>
        <translation>d MMM HH:mm</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>d MMM yyyy</source>
        <translation>d MMM yyyy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>d MMM yyyy HH:mm</source>
        <translation>d MMM yyyy HH:mm</translation>
    </message>
</context>
<context>
    <name>ImportStateDialog</name>
    <message>
        <location filename="../../popgui/gui/import_state.py" line="+77"/>
        <source>Import downloaded-mail list</source>
        <translation>Importer la liste du courrier déjà téléchargé</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose the program…</source>
        <translation>Choisissez le programme…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>File:</source>
        <translation>Fichier :</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Written by:</source>
        <translation>É&amp;crit par :</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>popgui cannot tell which program wrote this file: choose it above.</source>
        <translation>popgui ne reconnaît pas le programme qui a écrit ce fichier : choisissez-le ci-dessus.</translation>
    </message>
    <message>
        <location line="-27"/>
        <location line="+32"/>
        <source>Reading the file…</source>
        <translation>Lecture du fichier…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{user} at {host}</source>
        <translation>{user} sur {host}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{program}&apos;s file lists no downloaded message for {account}.</source>
        <translation>Le fichier de {program} ne liste aucun message téléchargé pour {account}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is nothing to import.</source>
        <translation>Il n’y a rien à importer.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>{program}: %Ln message(s) already downloaded for {account}. Import them? popgui will then neither download them nor delete them on the server.</source>
        <translation>
            <numerusform>{program} : %Ln message déjà téléchargé pour {account}. L’importer ? popgui ne le téléchargera plus et ne le supprimera pas du serveur.</numerusform>
            <numerusform>{program} : %Ln messages déjà téléchargés pour {account}. Les importer ? popgui ne les téléchargera plus et ne les supprimera pas du serveur.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%Ln message(s) that Thunderbird did not download (only their headers, or to fetch later) will be downloaded by popgui.</source>
        <translation>
            <numerusform>%Ln message que Thunderbird n’a pas téléchargé (seulement ses en-têtes, ou à relever plus tard) sera téléchargé par popgui.</numerusform>
            <numerusform>%Ln messages que Thunderbird n’a pas téléchargés (seulement leurs en-têtes, ou à relever plus tard) seront téléchargés par popgui.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Nothing can be imported from this file: {reason}</source>
        <translation>Rien ne peut être importé de ce fichier : {reason}</translation>
    </message>
</context>
<context>
    <name>IndexReader</name>
    <message>
        <location filename="../../popgui/gui/indexreader.py" line="+100"/>
        <source>the mail index could not be read (a popgui bug): {error}</source>
        <translation>l’index du courrier n’a pas pu être lu (un bogue de popgui)&#xa0;: {error}</translation>
    </message>
</context>
<context>
    <name>KerberosBox</name>
    <message>
        <location filename="../../popgui/gui/kerberos_box.py" line="+55"/>
        <source>Check a&amp;gain</source>
        <translation>&amp;Vérifier à nouveau</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Read this computer&apos;s Kerberos ticket again, e.g. after running kinit</source>
        <translation>Relire le ticket Kerberos de cet ordinateur, par exemple après avoir lancé kinit</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Looking for your Kerberos ticket…</source>
        <translation>Recherche de votre ticket Kerberos…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Your Kerberos ticket: {principal}</source>
        <translation>Votre ticket Kerberos&#xa0;: {principal}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your Kerberos ticket: {principal}, valid until {time}</source>
        <translation>Votre ticket Kerberos&#xa0;: {principal}, valable jusqu’à {time}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The Kerberos ticket could not be read ({kind}).</source>
        <translation>Le ticket Kerberos n’a pas pu être lu ({kind}).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No Kerberos ticket on this computer: run kinit in a terminal, or sign in to your desktop&apos;s Kerberos.</source>
        <translation>Aucun ticket Kerberos sur cet ordinateur&#xa0;: lancez kinit dans un terminal, ou connectez-vous au Kerberos de votre bureau.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No Kerberos ticket on this computer: run kinit {user} in a terminal, or sign in to your desktop&apos;s Kerberos.</source>
        <translation>Aucun ticket Kerberos sur cet ordinateur&#xa0;: lancez kinit {user} dans un terminal, ou connectez-vous au Kerberos de votre bureau.</translation>
    </message>
</context>
<context>
    <name>KeyboardController</name>
    <message>
        <location filename="../../popgui/gui/keyboard.py" line="+188"/>
        <source>No more unread messages in this folder</source>
        <translation>Plus aucun message non lu dans ce dossier</translation>
    </message>
</context>
<context>
    <name>MailTasks</name>
    <message>
        <location filename="../../popgui/gui/mailtasks.py" line="+71"/>
        <source>this is a popgui bug: {error}</source>
        <translation>c’est un bogue de popgui&#xa0;: {error}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../popgui/gui/mainwindow.py" line="+258"/>
        <source>Filter messages (Ctrl+F)</source>
        <translation>Filtrer les messages (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Folders</source>
        <translation>Dossiers</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/accounts_controller.py" line="+201"/>
        <source>New Folder</source>
        <translation>Nouveau dossier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name of the new folder:</source>
        <translation>Nom du nouveau dossier&#xa0;:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Rename Folder</source>
        <translation>Renommer le dossier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New name:</source>
        <translation>Nouveau nom&#xa0;:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Delete Folder</source>
        <translation>Supprimer le dossier</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Delete the folder “{folder}” and the %n message(s) in it?</source>
        <translation>
            <numerusform>Supprimer le dossier «&#xa0;{folder}&#xa0;» et le message qu’il contient&#xa0;?</numerusform>
            <numerusform>Supprimer le dossier «&#xa0;{folder}&#xa0;» et les %n messages qu’il contient&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <location line="+145"/>
        <source>Remove the account “{account}”?

The mail already downloaded stays on disk in {folder}. popgui forgets its sign-in, and its client secret if one is stored, from the system keyring.</source>
        <translation>Supprimer le compte «&#xa0;{account}&#xa0;»&#xa0;?

Le courrier déjà téléchargé reste sur le disque dans {folder}. popgui retire du trousseau du système sa connexion, et son secret client s’il y en a un.</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/message_actions.py" line="+227"/>
        <source>Move to Folder</source>
        <translation>Déplacer vers un dossier</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Move to:</source>
        <translation>Déplacer vers&#xa0;:</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Save Message As</source>
        <translation>Enregistrer le message sous</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mail messages (*.eml)</source>
        <translation>Messages électroniques (*.eml)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Move To</source>
        <translation>Déplacer vers</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/getmail_controller.py" line="+180"/>
        <source>Sign in again…</source>
        <translation>Se reconnecter…</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Edit account…</source>
        <translation>Modifier le compte…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Review certificate…</source>
        <translation>Examiner le certificat…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server seems to have renumbered its mail; nothing was downloaded or deleted.</source>
        <translation>Le serveur semble avoir renuméroté son courrier&#xa0;; rien n’a été téléchargé ni supprimé.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Review…</source>
        <translation>Examiner…</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+64"/>
        <source>Try again</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>The server renumbered its mail</source>
        <translation>Le serveur a renuméroté vos messages</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Of the {seen} messages popgui saw on the server of {account} last time, {vanished} are gone, and {unknown} messages it has never seen appeared. This usually means the provider moved your mailbox to another server, which gave every message a new identity.

popgui can go on: it will recognise the messages you already have by their Message-ID, date and size and download only the others. Go on?</source>
        <translation>Sur les {seen}&#xa0;messages que popgui a vus la dernière fois sur le serveur de {account}, {vanished} ont disparu et {unknown}&#xa0;messages jamais vus sont apparus. Cela signifie en général que le fournisseur a déplacé votre boîte aux lettres vers un autre serveur, qui a donné une nouvelle identité à chaque message.

popgui peut continuer&#xa0;: il reconnaîtra les messages que vous avez déjà grâce à leur Message-ID, leur date et leur taille, et ne téléchargera que les autres. Continuer&#xa0;?</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>will retry at {time}</source>
        <translation>nouvel essai à {time}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>try again in a few minutes</source>
        <translation>réessayez dans quelques minutes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server asks to wait before checking again ({reason}); nothing was lost — {later}.</source>
        <translation>Le serveur demande d’attendre avant de relever à nouveau ({reason})&#xa0;; rien n’est perdu — {later}.</translation>
    </message>
    <message>
        <location line="-100"/>
        <location line="+106"/>
        <source>{account}: {problem}</source>
        <translation>{account}&#xa0;: {problem}</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>the account has not signed in yet</source>
        <translation>le compte ne s’est pas encore connecté</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the OAuth settings of the account changed since it signed in</source>
        <translation>les réglages OAuth du compte ont changé depuis sa connexion</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the sign-in of the account has expired and cannot be renewed</source>
        <translation>la connexion du compte a expiré et ne peut pas être renouvelée</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/account_errors.py" line="+153"/>
        <source>sign-in needed</source>
        <translation>connexion nécessaire</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>server misbehaved</source>
        <translation>erreur du serveur</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/accounts_controller.py" line="+6"/>
        <source>Remove the account “{account}”?

The mail already downloaded stays on disk in {folder}. Its password is removed from the system keyring.</source>
        <translation>Supprimer le compte «&#xa0;{account}&#xa0;»&#xa0;?

Le courrier déjà téléchargé reste sur le disque dans {folder}. Son mot de passe est retiré du trousseau du système.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Remove the account “{account}”?

The mail already downloaded stays on disk in {folder}. Its password file is removed.</source>
        <translation>Supprimer le compte «&#xa0;{account}&#xa0;»&#xa0;?

Le courrier déjà téléchargé reste sur le disque dans {folder}. Son fichier de mot de passe est supprimé.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Remove the account “{account}”?

The mail already downloaded stays on disk in {folder}.</source>
        <translation>Supprimer le compte «&#xa0;{account}&#xa0;»&#xa0;?

Le courrier déjà téléchargé reste sur le disque dans {folder}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Remove Account</source>
        <translation>Supprimer le compte</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The account {account} was removed, but its sign-in could not be removed from the keyring: {reason}</source>
        <translation>Le compte {account} a été supprimé, mais sa connexion n’a pas pu être retirée du trousseau&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The account {account} now gets its password from a command, but the password stored before could not be removed from the keyring: {reason}</source>
        <translation>Le compte {account} obtient désormais son mot de passe par une commande, mais le mot de passe enregistré auparavant n’a pas pu être retiré du trousseau&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The account {account} now signs in with your Kerberos ticket, but the password stored before could not be removed from the keyring: {reason}</source>
        <translation>Le compte {account} se connecte désormais avec votre ticket Kerberos, mais le mot de passe enregistré auparavant n’a pas pu être retiré du trousseau&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The stored password could not be moved to the account&apos;s new name, user or host in the keyring: {reason}</source>
        <translation>Le mot de passe enregistré n’a pas pu être déplacé vers le nouveau nom, utilisateur ou serveur du compte dans le trousseau&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>The account {account} was removed, but its password could not be removed from the keyring: {reason}</source>
        <translation>Le compte {account} a été supprimé, mais son mot de passe n’a pas pu être retiré du trousseau&#xa0;: {reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../popgui/gui/mainwindow.py" line="+141"/>
        <source>%Ln message(s) matching the filter</source>
        <translation>
            <numerusform>%Ln message correspondant au filtre</numerusform>
            <numerusform>%Ln messages correspondant au filtre</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln message(s), {unread} unread</source>
        <translation>
            <numerusform>%Ln message, {unread} non lu</numerusform>
            <numerusform>%Ln messages, {unread} non lus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln message(s)</source>
        <translation>
            <numerusform>%Ln message</numerusform>
            <numerusform>%Ln messages</numerusform>
        </translation>
    </message>
    <message>
        <location line="+56"/>
        <source>About popgui</source>
        <translation>À propos de popgui</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Downloads your mail from POP3 and POP2 servers into local Maildir folders — each message exactly once.</source>
        <translation>Télécharge votre courrier depuis des serveurs POP3 et POP2 dans des dossiers Maildir locaux — chaque message exactement une fois.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Copyright © the popgui developers. popgui is free software, licensed under the GNU General Public License, version 3 or (at your option) any later version (GPL-3.0-or-later). It comes with no warranty.</source>
        <translation>Copyright © les développeurs de popgui. popgui est un logiciel libre, distribué sous la licence publique générale GNU, version 3 ou (à votre choix) toute version ultérieure (GPL-3.0-or-later). Il est fourni sans aucune garantie.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This program uses Qt {qt} and PySide6 {pyside} (Qt for Python), used under the GNU Lesser General Public License version 3 (LGPL-3.0). You may replace these libraries with your own modified versions; their source code is available from {link}.</source>
        <translation>Ce programme utilise Qt {qt} et PySide6 {pyside} (Qt for Python), sous la licence publique générale limitée GNU version 3 (LGPL-3.0). Vous pouvez remplacer ces bibliothèques par vos propres versions modifiées&#xa0;; leur code source est disponible sur {link}.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../popgui/gui/account_errors.py" line="-41"/>
        <source>%n account(s) could not be checked:</source>
        <translation>
            <numerusform>%n compte n’a pas pu être relevé&#xa0;:</numerusform>
            <numerusform>%n comptes n’ont pas pu être relevés&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No system keyring is available to read this account&apos;s password. Install or unlock one (GNOME Keyring or KWallet), or give the account a password command in its settings.</source>
        <translation>Aucun trousseau système n’est disponible pour lire le mot de passe de ce compte. Installez-en ou déverrouillez-en un (GNOME Keyring ou KWallet), ou donnez au compte une commande de mot de passe dans ses paramètres.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No password is stored for this account. Enter it in the account&apos;s settings.</source>
        <translation>Aucun mot de passe n’est enregistré pour ce compte. Saisissez-le dans les paramètres du compte.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Kerberos login refused</source>
        <translation>connexion Kerberos refusée</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>server refused</source>
        <translation>refus du serveur</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>destination refused login</source>
        <translation>connexion refusée par la destination</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>proxy refused login</source>
        <translation>connexion refusée par le proxy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>client certificate refused</source>
        <translation>certificat client refusé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>messages refused</source>
        <translation>messages refusés</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>destination unavailable</source>
        <translation>destination injoignable</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keyring locked</source>
        <translation>trousseau verrouillé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no keyring</source>
        <translation>pas de trousseau</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no password stored</source>
        <translation>aucun mot de passe enregistré</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>password command failed</source>
        <translation>échec de la commande de mot de passe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>password file problem</source>
        <translation>problème de fichier de mot de passe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sign-in failed</source>
        <translation>échec de la connexion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>password refused</source>
        <translation>mot de passe refusé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>untrusted certificate</source>
        <translation>certificat non reconnu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>network error</source>
        <translation>erreur réseau</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no Kerberos ticket</source>
        <translation>pas de ticket Kerberos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kerberos problem</source>
        <translation>problème Kerberos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kerberos not installed</source>
        <translation>Kerberos non installé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>disk error</source>
        <translation>erreur disque</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>settings error</source>
        <translation>erreur de paramètres</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mail renumbered</source>
        <translation>courrier renuméroté</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>busy elsewhere</source>
        <translation>occupé ailleurs</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>internal error</source>
        <translation>erreur interne</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/safe_delete.py" line="+51"/>
        <source>Delete Permanently</source>
        <translation>Supprimer définitivement</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Permanently delete %Ln message(s)?</source>
        <translation>
            <numerusform>Supprimer définitivement %Ln message&#xa0;?</numerusform>
            <numerusform>Supprimer définitivement %Ln messages&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Messages deleted from Trash are removed from this computer. This cannot be undone.</source>
        <translation>Les messages supprimés de la corbeille sont effacés de cet ordinateur. Cette action est irréversible.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Don&apos;t ask again</source>
        <translation>&amp;Ne plus demander</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Delete Permanently</source>
        <translation>&amp;Supprimer définitivement</translation>
    </message>
    <message numerus="yes">
        <location line="+38"/>
        <source>%Ln message(s) moved to Trash.</source>
        <translation>
            <numerusform>%Ln message mis à la corbeille.</numerusform>
            <numerusform>%Ln messages mis à la corbeille.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%Ln message(s) deleted permanently. This cannot be undone.</source>
        <translation>
            <numerusform>%Ln message supprimé définitivement. Cette action est irréversible.</numerusform>
            <numerusform>%Ln messages supprimés définitivement. Cette action est irréversible.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../popgui/gui/message_list.py" line="+275"/>
        <source>Press Enter to open the selected message</source>
        <translation>Appuyez sur Entrée pour ouvrir le message sélectionné</translation>
    </message>
    <message numerus="yes">
        <location filename="../../popgui/gui/import_state.py" line="+25"/>
        <source>%Ln message(s) that {program} downloaded for {account} marked as downloaded: popgui will neither download them nor delete them on the server.</source>
        <translation>
            <numerusform>%Ln message que {program} a téléchargé pour {account} est marqué comme téléchargé : popgui ne le téléchargera pas et ne le supprimera pas du serveur.</numerusform>
            <numerusform>%Ln messages que {program} a téléchargés pour {account} sont marqués comme téléchargés : popgui ne les téléchargera pas et ne les supprimera pas du serveur.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing new imported: popgui already knew every message.</source>
        <translation>Rien de nouveau importé : popgui connaissait déjà tous ces messages.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The downloaded-mail list could not be recorded: {reason}. Nothing was downloaded; import it again from the account&apos;s settings.</source>
        <translation>La liste du courrier téléchargé n’a pas pu être enregistrée : {reason}. Rien n’a été téléchargé ; importez-la de nouveau depuis les réglages du compte.</translation>
    </message>
    <message>
        <location filename="../../popgui/gui/delivery_notes.py" line="+40"/>
        <source>{account}: {what}</source>
        <translation>{account}&#xa0;: {what}</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>{account}: %n message(s) delivered to {destination}</source>
        <translation>
            <numerusform>{account}&#xa0;: %n message distribué vers {destination}</numerusform>
            <numerusform>{account}&#xa0;: %n messages distribués vers {destination}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>{account}: %n message(s) could not be delivered to {destination} now, which answered: {reason}. They stay on the server and are delivered at the next Get Mail.</source>
        <translation>
            <numerusform>{account}&#xa0;: %n message n’a pas pu être distribué vers {destination} pour l’instant, qui a répondu&#xa0;: {reason}. Il reste sur le serveur et sera distribué au prochain relevé.</numerusform>
            <numerusform>{account}&#xa0;: %n messages n’ont pas pu être distribués vers {destination} pour l’instant, qui a répondu&#xa0;: {reason}. Ils restent sur le serveur et seront distribués au prochain relevé.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../popgui/gui/forwarded.py" line="+46"/>
        <source>Delivered to {destination}: popgui keeps only its headers here</source>
        <translation>Distribué vers {destination}&#xa0;: popgui n’en garde ici que les en-têtes</translation>
    </message>
    <message numerus="yes">
        <location line="+41"/>
        <source>%n message(s) were delivered to {destination}. Delete removes their lines from this list only: they stay there, and are not downloaded again.</source>
        <translation>
            <numerusform>%n message a été distribué vers {destination}. Supprimer retire seulement sa ligne de cette liste&#xa0;: il reste là-bas et n’est pas téléchargé à nouveau.</numerusform>
            <numerusform>%n messages ont été distribués vers {destination}. Supprimer retire seulement leurs lignes de cette liste&#xa0;: ils restent là-bas et ne sont pas téléchargés à nouveau.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Remove from the List</source>
        <translation>Retirer de la liste</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <location filename="../../popgui/gui/message_bar.py" line="+86"/>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
</context>
<context>
    <name>MessageListController</name>
    <message>
        <location filename="../../popgui/gui/message_list.py" line="-119"/>
        <source>No messages match “{filter}”</source>
        <translation>Aucun message ne correspond à «&#xa0;{filter}&#xa0;»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This folder is empty</source>
        <translation>Ce dossier est vide</translation>
    </message>
</context>
<context>
    <name>MessageTableModel</name>
    <message>
        <location filename="../../popgui/gui/models.py" line="+69"/>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <location line="+333"/>
        <source>Read / unread</source>
        <translation>Lu / non lu</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Has attachments</source>
        <translation>Pièces jointes</translation>
    </message>
</context>
<context>
    <name>MessageText</name>
    <message>
        <location line="-703"/>
        <source>Delivered to {destination}</source>
        <translation>Distribué vers {destination}</translation>
    </message>
    <message>
        <location line="+735"/>
        <source>(unknown sender)</source>
        <translation>(expéditeur inconnu)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(no subject)</source>
        <translation>(sans objet)</translation>
    </message>
</context>
<context>
    <name>NetworkBox</name>
    <message>
        <location filename="../../popgui/gui/network_box.py" line="+151"/>
        <source>e.g. pass show work/proxy</source>
        <translation>p. ex. pass show travail/proxy</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>None: connect directly</source>
        <translation>Aucun&#xa0;: connexion directe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SOCKS5</source>
        <translation>SOCKS5</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SOCKS5, the proxy looks up names</source>
        <translation>SOCKS5, le proxy résout les noms</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HTTP (CONNECT)</source>
        <translation>HTTP (CONNECT)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The proxy asks for a &amp;login</source>
        <translation>Le proxy demande une &amp;identification</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Proxy:</source>
        <translation>&amp;Proxy&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Port:</source>
        <translation>Port&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>P&amp;roxy server:</source>
        <translation>&amp;Serveur proxy&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Proxy &amp;user:</source>
        <translation>&amp;Utilisateur du proxy&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pass&amp;word:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password co&amp;mmand:</source>
        <translation>Comma&amp;nde du mot de passe&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This computer has no system keyring to keep the proxy&apos;s password in: give a command that prints it (from a password manager), or install and unlock a keyring (GNOME Keyring, KWallet).</source>
        <translation>Cet ordinateur n’a pas de trousseau système pour garder le mot de passe du proxy&#xa0;: donnez une commande qui l’affiche (depuis un gestionnaire de mots de passe), ou installez et déverrouillez un trousseau (GNOME Keyring, KWallet).</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Only for a network that reaches mail servers through a proxy. The password is kept in the system keyring, never in the settings file.</source>
        <translation>Seulement pour un réseau qui joint les serveurs de courrier par un proxy. Le mot de passe est gardé dans le trousseau du système, jamais dans le fichier de réglages.</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>leave empty to keep the stored password</source>
        <translation>laisser vide pour garder le mot de passe enregistré</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Client certificate</source>
        <translation>Certificat client</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>only for a server that asks for one</source>
        <translation>seulement pour un serveur qui en demande un</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>optional: when the key is not in the certificate&apos;s file</source>
        <translation>facultatif&#xa0;: si la clé n’est pas dans le fichier du certificat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Bro&amp;wse…</source>
        <translation>Parco&amp;urir…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Brow&amp;se…</source>
        <translation>Parcour&amp;ir…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The key is &amp;encrypted</source>
        <translation>La clé est chiffré&amp;e</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cer&amp;tificate file:</source>
        <translation>Fichier du cer&amp;tificat&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Key file:</source>
        <translation>Fichier de la &amp;clé&#xa0;:</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Passp&amp;hrase:</source>
        <translation>P&amp;hrase secrète&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Passphrase comman&amp;d:</source>
        <translation>Comman&amp;de de la phrase secrète&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. pass show work/client-key</source>
        <translation>p. ex. pass show travail/cle-client</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This computer has no system keyring to keep the key&apos;s passphrase in: give a command that prints it (from a password manager), or install and unlock a keyring (GNOME Keyring, KWallet).</source>
        <translation>Cet ordinateur n’a pas de trousseau système pour garder la phrase secrète de la clé&#xa0;: donnez une commande qui l’affiche (depuis un gestionnaire de mots de passe), ou installez et déverrouillez un trousseau (GNOME Keyring, KWallet).</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Client certificate or key</source>
        <translation>Certificat client ou clé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>Fichiers PEM (*.pem *.crt *.key);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>leave empty to keep the stored one</source>
        <translation>vide&#xa0;: garder celle enregistrée</translation>
    </message>
</context>
<context>
    <name>NetworkSecrets</name>
    <message>
        <location filename="../../popgui/gui/proxy_secrets.py" line="+78"/>
        <source>The password of the proxy or the client key could not be saved in the keyring, so the account cannot connect yet: {reason}</source>
        <translation>Le mot de passe du proxy ou de la clé client n’a pas pu être enregistré dans le trousseau, le compte ne peut donc pas encore se connecter&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The stored password of the proxy or the client key could not follow the changed account: {reason}</source>
        <translation>Le mot de passe enregistré du proxy ou de la clé client n’a pas pu suivre le compte modifié&#xa0;: {reason}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The password of the proxy or the client key could not be removed from the keyring: {reason}</source>
        <translation>Le mot de passe du proxy ou de la clé client n’a pas pu être retiré du trousseau&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>OnServerView</name>
    <message>
        <location filename="../../popgui/gui/onserver.py" line="+74"/>
        <source>POP2 servers cannot show a message before sending all of it: POP2 has no TOP command, so there is no list of what waits on the server for this account.

Use Get Mail to download the new messages.</source>
        <translation>Un serveur POP2 ne peut pas montrer un message sans l’envoyer en entier&#xa0;: POP2 n’a pas de commande TOP, il n’y a donc pas de liste de ce qui attend sur le serveur pour ce compte.

Utilisez «&#xa0;Relever le courrier&#xa0;» pour télécharger les nouveaux messages.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{reason}. Check the user name and password in the account settings.</source>
        <translation>{reason}. Vérifiez l’identifiant et le mot de passe dans les paramètres du compte.</translation>
    </message>
    <message>
        <location line="+221"/>
        <source>Try again</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Asking the server…</source>
        <translation>Interrogation du serveur…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the server again what is waiting</source>
        <translation>Redemander au serveur ce qui attend</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Only &amp;not downloaded</source>
        <translation>&amp;Non téléchargés seulement</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show only the messages not downloaded yet</source>
        <translation>N’afficher que les messages pas encore téléchargés</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Select a message to see its first lines.</source>
        <translation>Sélectionnez un message pour voir ses premières lignes.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>&amp;Download Selected</source>
        <translation>&amp;Télécharger la sélection</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Download &amp;All New</source>
        <translation>Télécharger tous les &amp;nouveaux</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Download every message not yet on this computer</source>
        <translation>Télécharger tous les messages qui ne sont pas encore sur cet ordinateur</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>De&amp;lete from Server…</source>
        <translation>&amp;Supprimer du serveur…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the selected messages on the server</source>
        <translation>Supprimer du serveur les messages sélectionnés</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>On the server: {account}</source>
        <translation>Sur le serveur&#xa0;: {account}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On the server</source>
        <translation>Sur le serveur</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose an account to see the messages waiting on its server.</source>
        <translation>Choisissez un compte pour voir les messages qui attendent sur son serveur.</translation>
    </message>
    <message numerus="yes">
        <location line="+53"/>
        <source>%Ln message(s) ({size}), {new} not downloaded yet</source>
        <translation>
            <numerusform>%Ln message ({size}), {new} pas encore téléchargé(s)</numerusform>
            <numerusform>%Ln messages ({size}), {new} pas encore téléchargé(s)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+40"/>
        <source>%Ln message(s) selected.</source>
        <translation>
            <numerusform>%Ln message sélectionné.</numerusform>
            <numerusform>%Ln messages sélectionnés.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(no subject)</source>
        <translation>(sans objet)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This server gives its messages no identity (no UIDL).</source>
        <translation>Ce serveur ne donne pas d’identifiant à ses messages (pas d’UIDL).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Loading the first lines…</source>
        <translation>Chargement des premières lignes…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>(The first lines of this message contain no text.)</source>
        <translation>(Les premières lignes de ce message ne contiennent pas de texte.)</translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>Downloading %Ln message(s)…</source>
        <translation>
            <numerusform>Téléchargement de %Ln message…</numerusform>
            <numerusform>Téléchargement de %Ln messages…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+23"/>
        <source>Deleting %Ln message(s) on the server…</source>
        <translation>
            <numerusform>Suppression de %Ln message sur le serveur…</numerusform>
            <numerusform>Suppression de %Ln messages sur le serveur…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+15"/>
        <source>Delete from Server</source>
        <translation>Supprimer du serveur</translation>
    </message>
    <message numerus="yes">
        <location line="-13"/>
        <source>Delete %Ln message(s) from the server?</source>
        <translation>
            <numerusform>Supprimer %Ln message du serveur&#xa0;?</numerusform>
            <numerusform>Supprimer %Ln messages du serveur&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This cannot be undone.</source>
        <translation>Cette action est irréversible.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln of them is not on this computer and will be lost.</source>
        <translation>
            <numerusform>%Ln d’entre eux n’est pas sur cet ordinateur et sera perdu.</numerusform>
            <numerusform>%Ln d’entre eux ne sont pas sur cet ordinateur et seront perdus.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln of them are not on this computer and will be lost.</source>
        <translation>
            <numerusform>%Ln d’entre eux n’est pas sur cet ordinateur et sera perdu.</numerusform>
            <numerusform>%Ln d’entre eux ne sont pas sur cet ordinateur et seront perdus.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Nothing is waiting on the server.</source>
        <translation>Rien n’attend sur le serveur.</translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>Downloaded %Ln message(s).</source>
        <translation>
            <numerusform>%Ln message téléchargé.</numerusform>
            <numerusform>%Ln messages téléchargés.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to download: the selected messages are already downloaded.</source>
        <translation>Rien à télécharger&#xa0;: les messages sélectionnés sont déjà téléchargés.</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Deleted %Ln message(s) on the server.</source>
        <translation>
            <numerusform>%Ln message supprimé du serveur.</numerusform>
            <numerusform>%Ln messages supprimés du serveur.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../popgui/gui/preferences.py" line="+80"/>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>System ({language})</source>
        <translation>Système ({language})</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>A new language is used the next time popgui starts.</source>
        <translation>Une nouvelle langue s’applique au prochain démarrage de popgui.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the &amp;reading pane under the list</source>
        <translation>Afficher le volet de &amp;lecture sous la liste</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show a desktop &amp;notification when new mail arrives</source>
        <translation>Afficher une &amp;notification à l’arrivée de nouveaux messages</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This desktop has no system tray to show notifications.</source>
        <translation>Ce bureau n’a pas de zone de notification pour les afficher.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ask before deleting messages &amp;permanently</source>
        <translation>Demander avant de supprimer des messages &amp;définitivement</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Language:</source>
        <translation>L&amp;angue&#xa0;:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Window:</source>
        <translation>Fenêtre&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New mail:</source>
        <translation>Nouveau courrier&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deleting:</source>
        <translation>Suppression&#xa0;:</translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <location filename="../../popgui/gui/presets.py" line="+53"/>
        <source>Turn on POP first in Gmail: Settings → Forwarding and POP/IMAP. Then press Sign in… and sign in to Google in your browser. (An app password works too: choose another login method.) Gmail gives about 250 messages per session; a later check fetches the rest.</source>
        <translation>Activez d’abord POP dans Gmail&#xa0;: Paramètres → Transfert et POP/IMAP. Appuyez ensuite sur «&#xa0;Se connecter…&#xa0;» et connectez-vous à Google dans votre navigateur. (Un mot de passe d’application convient aussi&#xa0;: choisissez une autre méthode d’identification.) Gmail donne environ 250 messages par session&#xa0;; une relève suivante récupère le reste.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Microsoft refuses passwords for POP: enter your address as the user name, press Sign in… and sign in to Microsoft in your browser. POP must be switched on in Outlook.com: Settings → Mail → Forwarding and IMAP (for Microsoft 365, your administrator decides).</source>
        <translation>Microsoft refuse les mots de passe en POP&#xa0;: saisissez votre adresse comme nom d’utilisateur, appuyez sur «&#xa0;Se connecter…&#xa0;» et connectez-vous à Microsoft dans votre navigateur. POP doit être activé dans Outlook.com&#xa0;: Paramètres → Courrier → Transfert et IMAP (pour Microsoft 365, votre administrateur décide).</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Yahoo wants an app password for other mail programs: create one under Account security → Generate app password, and use it here.</source>
        <translation>Yahoo exige un mot de passe d’application pour les autres logiciels de messagerie&#xa0;: créez-en un dans Sécurité du compte → Générer un mot de passe d’application, et utilisez-le ici.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Switch on POP3/IMAP access in the GMX web mail first (Settings → POP3 &amp; IMAP). The user name is your full e-mail address.</source>
        <translation>Activez d’abord l’accès POP3/IMAP dans le webmail GMX (Paramètres → POP3 &amp; IMAP). L’identifiant est votre adresse électronique complète.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Switch on POP3/IMAP access in the GMX web mail first. The user name is your full e-mail address.</source>
        <translation>Activez d’abord l’accès POP3/IMAP dans le webmail GMX. L’identifiant est votre adresse électronique complète.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The user name is your full Orange address (…@orange.fr or …@wanadoo.fr).</source>
        <translation>L’identifiant est votre adresse Orange complète (…@orange.fr ou …@wanadoo.fr).</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The user name is your Free address without @free.fr (your login).</source>
        <translation>L’identifiant est votre adresse Free sans @free.fr (votre login).</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The user name is your address without @laposte.net.</source>
        <translation>L’identifiant est votre adresse sans @laposte.net.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>For OVHcloud MX Plan mailboxes. The user name is the full e-mail address. Email Pro and Exchange use other servers: see your OVHcloud control panel.</source>
        <translation>Pour les boîtes OVHcloud MX Plan. L’identifiant est l’adresse électronique complète. Email Pro et Exchange utilisent d’autres serveurs&#xa0;: voir votre espace client OVHcloud.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>iCloud Mail (no POP)</source>
        <translation>iCloud Mail (sans POP)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>iCloud Mail offers no POP access at all, only IMAP (imap.mail.me.com), which popgui does not speak. To download iCloud mail with popgui, forward it to a mailbox that offers POP.</source>
        <translation>iCloud Mail n’offre aucun accès POP, seulement IMAP (imap.mail.me.com), que popgui ne parle pas. Pour télécharger votre courrier iCloud avec popgui, faites-le suivre vers une boîte aux lettres qui propose POP.</translation>
    </message>
</context>
<context>
    <name>ProgressText</name>
    <message numerus="yes">
        <location filename="../../popgui/gui/statusprogress.py" line="+43"/>
        <source>{done}/%Ln message(s)</source>
        <translation>
            <numerusform>{done}/%Ln message</numerusform>
            <numerusform>{done}/%Ln messages</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{size}/s</source>
        <translation>{size}/s</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>deleting %Ln message(s) on the server…</source>
        <translation>
            <numerusform>suppression de %Ln message sur le serveur…</numerusform>
            <numerusform>suppression de %Ln messages sur le serveur…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReaderPane</name>
    <message>
        <location filename="../../popgui/gui/reader.py" line="+272"/>
        <location line="+369"/>
        <source>The message file cannot be read: {reason}.</source>
        <translation>Le fichier du message est illisible&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location line="-363"/>
        <source>This message cannot be shown ({reason}).</source>
        <translation>Ce message ne peut pas être affiché ({reason}).</translation>
    </message>
    <message>
        <location line="+40"/>
        <location line="+99"/>
        <source>No message selected</source>
        <translation>Aucun message sélectionné</translation>
    </message>
    <message>
        <location line="-83"/>
        <source>This message has no text.</source>
        <translation>Ce message ne contient pas de texte.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>View Source</source>
        <translation>Afficher la source</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Double-click an attachment to save it</source>
        <translation>Double-cliquez sur une pièce jointe pour l’enregistrer</translation>
    </message>
    <message>
        <location line="+30"/>
        <location line="+13"/>
        <source>(no subject)</source>
        <translation>(sans objet)</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Delivered to {destination}: popgui keeps only its sender, subject and date here. Read it there.</source>
        <translation>Distribué vers {destination}&#xa0;: popgui n’en garde ici que l’expéditeur, l’objet et la date. Lisez-le là-bas.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>This message is long; only its beginning is shown. Save it (Ctrl+S) to keep all of it.</source>
        <translation>Ce message est long&#xa0;: seul son début est affiché. Enregistrez-le (Ctrl+S) pour le conserver en entier.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{type} — double-click to save</source>
        <translation>{type} — double-cliquez pour enregistrer</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Save Attachment</source>
        <translation>Enregistrer la pièce jointe</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>The attachment could not be saved: {reason}.</source>
        <translation>La pièce jointe n’a pas pu être enregistrée&#xa0;: {reason}.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Save As…</source>
        <translation>Enregistrer sous…</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>From:</source>
        <translation>De&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To:</source>
        <translation>À&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cc:</source>
        <translation>Cc&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date:</source>
        <translation>Date&#xa0;:</translation>
    </message>
</context>
<context>
    <name>ServerMessageModel</name>
    <message>
        <location filename="../../popgui/gui/onserver.py" line="-583"/>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Already on this computer</source>
        <translation>Déjà sur cet ordinateur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not downloaded yet</source>
        <translation>Pas encore téléchargé</translation>
    </message>
</context>
<context>
    <name>ServerText</name>
    <message>
        <location line="+27"/>
        <source>(no subject)</source>
        <translation>(sans objet)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Downloaded</source>
        <translation>Téléchargé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not downloaded</source>
        <translation>Non téléchargé</translation>
    </message>
</context>
<context>
    <name>SettingText</name>
    <message>
        <location filename="../../popgui/gui/wording.py" line="+66"/>
        <source>name</source>
        <translation>le nom</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>host</source>
        <translation>le serveur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>port</source>
        <translation>le port</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>user</source>
        <translation>l’identifiant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>protocol</source>
        <translation>le protocole</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>security</source>
        <translation>la sécurité</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>auth</source>
        <translation>la méthode d’identification</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>password source</source>
        <translation>la source du mot de passe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>password command</source>
        <translation>la commande du mot de passe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>policy</source>
        <translation>la règle de conservation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>number of days</source>
        <translation>le nombre de jours</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>maildir</source>
        <translation>le dossier Maildir</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>remote folder</source>
        <translation>le dossier distant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CA certificate file</source>
        <translation>le fichier de l’autorité (CA)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fingerprint</source>
        <translation>l’empreinte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>check interval</source>
        <translation>l’intervalle de relève</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>delete-here-deletes-there setting</source>
        <translation>le réglage «&#xa0;supprimer ici supprime sur le serveur&#xa0;»</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>provider</source>
        <translation>le fournisseur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>issuer</source>
        <translation>l’émetteur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>client id</source>
        <translation>l’identifiant client</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tenant</source>
        <translation>le locataire</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>scope</source>
        <translation>la portée</translation>
    </message>
</context>
<context>
    <name>SignIn</name>
    <message>
        <location filename="../../popgui/gui/sign_in.py" line="-195"/>
        <source>This build of popgui has no client id for this provider: enter the client id of an app you registered with it under “Sign-in settings” (docs/oauth.md says how).</source>
        <translation>Cette version de popgui n’a pas d’identifiant client pour ce fournisseur&#xa0;: saisissez, sous «&#xa0;Réglages de connexion&#xa0;», l’identifiant client d’une application que vous y avez enregistrée (docs/oauth.md explique comment).</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>a popgui bug ({kind})</source>
        <translation>un bogue de popgui ({kind})</translation>
    </message>
</context>
<context>
    <name>SignInBox</name>
    <message>
        <location line="+39"/>
        <source>Sign in…</source>
        <translation>Se connecter…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Sign-in settings</source>
        <translation>Réglages de connexion</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>of the app registered with the provider</source>
        <translation>celui de l’application enregistrée chez le fournisseur</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Microsoft only; default: common</source>
        <translation>Microsoft seulement&#xa0;; par défaut&#xa0;: common</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>for other providers: https://…</source>
        <translation>pour les autres fournisseurs&#xa0;: https://…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Kept in the system keyring, never in the settings file</source>
        <translation>Conservé dans le trousseau du système, jamais dans le fichier de paramètres</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Client i&amp;d:</source>
        <translation>I&amp;dentifiant client&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;lient secret:</source>
        <translation>Secret c&amp;lient&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ten&amp;ant:</source>
        <translation>Loc&amp;ataire (tenant)&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Issuer:</source>
        <translation>Ém&amp;etteur&#xa0;:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sc&amp;ope:</source>
        <translation>P&amp;ortée&#xa0;:</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>leave empty to keep the stored secret</source>
        <translation>laisser vide pour garder le secret enregistré</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>only if the provider gave your app one</source>
        <translation>seulement si le fournisseur en a donné un à votre application</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the provider&apos;s default</source>
        <translation>la portée par défaut du fournisseur</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Signed in.</source>
        <translation>Connecté.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not signed in yet.</source>
        <translation>Pas encore connecté.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in expired: sign in again.</source>
        <translation>Connexion expirée&#xa0;: connectez-vous à nouveau.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>popgui does not know who signs in for this host: enter the provider&apos;s issuer address in the sign-in settings</source>
        <translation>popgui ne sait pas qui gère la connexion pour cet hôte&#xa0;: indiquez l’adresse de l’émetteur du fournisseur dans les réglages de connexion</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Starting the sign-in…</source>
        <translation>Démarrage de la connexion…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Waiting for the browser… If it did not open, copy this address into one:</source>
        <translation>En attente du navigateur… S’il ne s’est pas ouvert, copiez cette adresse dans un navigateur&#xa0;:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>open it</source>
        <translation>l’ouvrir</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Signed in as {user}.</source>
        <translation>Connecté en tant que {user}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The sign-in was cancelled.</source>
        <translation>La connexion a été annulée.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The sign-in failed: {reason}</source>
        <translation>La connexion a échoué&#xa0;: {reason}</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location line="+11"/>
        <source>Sign in to {account}</source>
        <translation>Se connecter à {account}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The sign-in of {account} ({user}) must be renewed. Sign in in your browser; popgui gets the mail once it is done.</source>
        <translation>La connexion de {account} ({user}) doit être renouvelée. Connectez-vous dans votre navigateur&#xa0;; popgui relève le courrier une fois que c’est fait.</translation>
    </message>
</context>
<context>
    <name>SourceDialog</name>
    <message>
        <location filename="../../popgui/gui/reader.py" line="+17"/>
        <source>Source of “{subject}”</source>
        <translation>Source de «&#xa0;{subject}&#xa0;»</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>(no subject)</source>
        <translation>(sans objet)</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>[… the rest of this message is not shown here; save it as .eml to see it]</source>
        <translation>[… la suite de ce message n’est pas affichée ici&#xa0;; enregistrez-le en .eml pour la voir]</translation>
    </message>
</context>
<context>
    <name>StatusProgress</name>
    <message>
        <location filename="../../popgui/gui/statusprogress.py" line="-21"/>
        <source>connecting…</source>
        <translation>connexion…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>checking for new mail…</source>
        <translation>recherche de nouveaux messages…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>deleting on the server…</source>
        <translation>suppression sur le serveur…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>finishing…</source>
        <translation>finalisation…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>working…</source>
        <translation>traitement…</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>starting…</source>
        <translation>démarrage…</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Stop what popgui is doing for {account}</source>
        <translation>Arrêter ce que popgui fait pour {account}</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../popgui/gui/tray.py" line="+87"/>
        <source>&amp;Get Mail</source>
        <translation>&amp;Relever le courrier</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+75"/>
        <source>&amp;Hide Window</source>
        <translation>&amp;Masquer la fenêtre</translation>
    </message>
    <message>
        <location line="-73"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>popgui — %n new</source>
        <translation>
            <numerusform>popgui — %n nouveau</numerusform>
            <numerusform>popgui — %n nouveaux</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New mail</source>
        <translation>Nouveau courrier</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>&amp;Show Window</source>
        <translation>&amp;Afficher la fenêtre</translation>
    </message>
</context>
<context>
    <name>TrayText</name>
    <message numerus="yes">
        <location line="-132"/>
        <source>%n new message(s) in {account}</source>
        <translation>
            <numerusform>%n nouveau message dans {account}</numerusform>
            <numerusform>%n nouveaux messages dans {account}</numerusform>
        </translation>
    </message>
</context>
</TS>
