"""The guard of the admin's pages: a visitor signs in first, anyone but an admin gets a 404 (the pages' existence
is not disclosed). A blueprint of admin pages registers it with `bp.before_request(admins_only)`."""
from flask import abort
from flask_login import current_user

from procure.extensions import login_manager


def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin":
        abort(404)
